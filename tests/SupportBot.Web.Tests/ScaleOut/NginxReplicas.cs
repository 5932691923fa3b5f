using System.Net;
using System.Net.Sockets;
using System.Text;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Web.Tests.Hosting;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// Host processes behind Debian's nginx running deploy/nginx/nginx.conf (upstreams and listen port
/// moved to loopback), each replica with settings of its own; every process stopped on dispose.
/// </summary>
public sealed class NginxReplicas : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly string _prefix = Directory.CreateTempSubdirectory("supportbot-scaleout-nginx-").FullName;
    private readonly List<HostProcess> _replicas = [];
    private System.Diagnostics.Process? _nginx;
    private StringBuilder? _nginxLog;

    private NginxReplicas()
    {
    }

    public IReadOnlyList<HostProcess> Replicas => _replicas;

    /// <summary>Where nginx listens: the load balancer's address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string NginxLog => _nginxLog is null ? string.Empty : Processes.Read(_nginxLog);

    /// <summary>Starts one replica per settings (at once, each until ready), then nginx in front of them.</summary>
    public static async Task<NginxReplicas> StartAsync(TrainedModelFixture model, IReadOnlyList<IReadOnlyDictionary<string, string>> replicaSettings)
    {
        Assert.True(Processes.Exists("nginx"), "nginx is not installed: tests/run.sh installs Debian's nginx");
        var started = new NginxReplicas();
        try
        {
            var starting = replicaSettings.Select(settings => HostProcess.StartReadyAsync(model, settings)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                started._replicas.AddRange(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }

            var port = FreePort();
            var config = Path.Combine(started._prefix, "nginx.conf");
            File.WriteAllText(config, DeployFiles.NginxConfigOnLoopback([.. started._replicas.Select(r => r.BaseAddress.Port)], port));
            started._nginx = Processes.Start("nginx", ["-e", "stderr", "-p", started._prefix, "-c", config, "-g", "daemon off;"], started._prefix, null, out var log, out _);
            started._nginxLog = log;
            started.BaseAddress = new Uri($"http://127.0.0.1:{port}");
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of nginx (with this handler, e.g. one keeping cookies), once nginx serves a ready replica.</summary>
    public async Task<HttpClient> ClientAsync(HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = BaseAddress;
        http.Timeout = Patience;
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/readyz", timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return http;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.False(timeout.IsCancellationRequested, $"nginx did not serve:\n{NginxLog}");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is not null)
        {
            await Processes.StopAsync(_nginx, Patience);
            _nginx.Dispose();
        }

        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        Directory.Delete(_prefix, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
