using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SupportBot.LoadTest;

/// <summary>A bot host started as its own process on a free loopback port, stopped on dispose.</summary>
public sealed class BotProcess : IDisposable
{
    private readonly Process _process;

    private BotProcess(Process process, Uri baseUri, Stopwatch sinceStart)
    {
        _process = process;
        BaseUri = baseUri;
        SinceStart = sinceStart;
    }

    public Uri BaseUri { get; }

    public int Id => _process.Id;

    public Stopwatch SinceStart { get; }

    public Uri Messages => new(BaseUri, "/api/messages");

    public static BotProcess Start(string dll, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var port = FreePort();
        var baseUri = new Uri($"http://127.0.0.1:{port}");
        // Run from its own folder, as a deployed app is, so it finds its appsettings.json.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseUri.ToString());
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{Path.GetFileNameWithoutExtension(dll)}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BotProcess(process, baseUri, stopwatch);
    }

    /// <summary>Polls <c>/readyz</c>; returns the time from process start to the first 200.</summary>
    public async Task<TimeSpan> WaitReadyAsync(HttpClient http, TimeSpan timeout)
    {
        while (SinceStart.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The bot process exited with code {_process.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "/readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return SinceStart.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{BaseUri} was not ready within {timeout}.");
    }

    /// <summary>CPU time the process has used so far (user + kernel, all threads).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident memory of the process in MB, from /proc (Linux).</summary>
    public double ResidentMb()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
