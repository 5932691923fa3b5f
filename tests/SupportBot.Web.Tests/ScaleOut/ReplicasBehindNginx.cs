using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Testing;
using SupportBot.Web.Tests.Hosting;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// Two host processes on a fresh PostgreSQL database behind Debian's nginx running the nginx.conf
/// that deploy/ ships (upstreams and listen port moved to loopback), with any further settings
/// given to both replicas, and optionally settings of each one's own. Which replica served a
/// request is read from each one's request log.
/// </summary>
public sealed class ReplicasBehindNginx : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly string _prefix = Directory.CreateTempSubdirectory("supportbot-scaleout-nginx-").FullName;
    private readonly List<HostProcess> _replicas = [];
    private TestDatabase? _database;
    private Process? _nginx;
    private StringBuilder? _nginxLog;

    private ReplicasBehindNginx()
    {
    }

    public IReadOnlyList<HostProcess> Replicas => _replicas;

    /// <summary>nginx's address: where every request of the test goes.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string NginxLog => _nginxLog is null ? string.Empty : Processes.Read(_nginxLog);

    /// <param name="perReplica">Settings of each replica's own (e.g. its model file), over <paramref name="settings"/>; two when given.</param>
    public static async Task<ReplicasBehindNginx> StartAsync(
        TrainedModelFixture model, IReadOnlyDictionary<string, string> settings, IReadOnlyList<IReadOnlyDictionary<string, string>>? perReplica = null)
    {
        Assert.True(Processes.Exists("nginx"), "nginx is not installed: tests/run.sh installs Debian's nginx");
        var deployment = new ReplicasBehindNginx();
        try
        {
            await deployment.StartAllAsync(model, settings, perReplica ?? [new Dictionary<string, string>(), new Dictionary<string, string>()]);
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>How many requests (of this method, if given) whose target contains <paramref name="target"/> the replica has logged.</summary>
    public int Served(int replica, string target, string? method = null) =>
        _replicas[replica].Output.Count(line =>
            line.Contains("Request starting", StringComparison.Ordinal)
            && line.Contains(target, StringComparison.Ordinal)
            && (method is null || line.Contains($" {method} ", StringComparison.Ordinal)));

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

            if (timeout.IsCancellationRequested)
            {
                http.Dispose();
                Assert.Fail($"nginx did not serve:\n{NginxLog}");
            }

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

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(_prefix, recursive: true);
    }

    private async Task StartAllAsync(TrainedModelFixture model, IReadOnlyDictionary<string, string> settings, IReadOnlyList<IReadOnlyDictionary<string, string>> perReplica)
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        var all = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = _database.ConnectionString,
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",

            // The tests post unsigned activities through nginx, which a loopback-only host refuses otherwise.
            ["Bot:AllowUnauthenticatedChannel"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var starting = perReplica.Select(own => HostProcess.StartReadyAsync(model, new Dictionary<string, string>(all.Concat(own).GroupBy(e => e.Key).Select(g => g.Last())))).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            _replicas.AddRange(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var config = Path.Combine(_prefix, "nginx.conf");
        File.WriteAllText(config, DeployFiles.NginxConfigOnLoopback([.. _replicas.Select(r => r.BaseAddress.Port)], port));
        _nginx = Processes.Start("nginx", ["-e", "stderr", "-p", _prefix, "-c", config, "-g", "daemon off;"], _prefix, null, out var log, out _);
        _nginxLog = log;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
