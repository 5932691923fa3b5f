using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SupportBot.Web.Tests.Hosting;

/// <summary>
/// The built host as a user runs it, <c>dotnet SupportBot.Web.dll</c>, on a free loopback port,
/// with its own SQLite file; its output is kept line by line, and it can be sent SIGTERM.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process, string folder)
    {
        _process = process;
        Folder = folder;
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The host's own folder (its working directory and database).</summary>
    public string Folder { get; }

    public string DatabasePath => Path.Combine(Folder, "supportbot.db");

    public Uri BaseAddress => _address.Task.IsCompletedSuccessfully ? _address.Task.Result : throw new InvalidOperationException("The host has not said where it listens.");

    public IReadOnlyList<string> Output => [.. _output];

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the host with the test's model and settings (as command-line arguments), and waits until /readyz answers 200.</summary>
    public static async Task<HostProcess> StartReadyAsync(TrainedModelFixture model, IReadOnlyDictionary<string, string> settings)
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-process-").FullName;
        var host = new HostProcess(Process.Start(StartInfo(model, folder, settings))!, folder);
        try
        {
            await host.WaitUntilReadyAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>dotnet SupportBot.Web.dll</c> in <paramref name="folder"/> (its database there), on a free loopback port, with the test's model and these settings.</summary>
    public static ProcessStartInfo StartInfo(TrainedModelFixture model, string folder, IReadOnlyDictionary<string, string> settings)
    {
        var args = new Dictionary<string, string>
        {
            ["contentRoot"] = Path.Combine(Path.GetDirectoryName(model.TrainingData.Root)!, "src", "SupportBot.Web"),
            ["urls"] = "http://127.0.0.1:0",
            ["Classifier:ModelPath"] = model.ModelPath,
            ["Storage:Sqlite:Path"] = Path.Combine(folder, "supportbot.db"),
            ["DirectLine:Secret"] = SupportBotFactory.DirectLineSecret,
        };
        foreach (var (key, value) in settings)
        {
            args[key] = value;
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SupportBot.Web.dll"));
        foreach (var (key, value) in args)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        return start;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

    /// <summary>What an orchestrator does to stop a container: SIGTERM to the process.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"SIGTERM to {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>What a crash or an OOM kill does: SIGKILL, no shutdown of any kind.</summary>
    public void KillAbruptly()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to end by itself (a bound for a hang, not a measured duration).</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _process.WaitForExitAsync(hang.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is cleaned later.
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var address = await _address.Task.WaitAsync(hang.Token);
        using var client = new HttpClient { BaseAddress = address };
        while (true)
        {
            hang.Token.ThrowIfCancellationRequested();
            try
            {
                using var ready = await client.GetAsync("/readyz", hang.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, hang.Token);
        }
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            _address.TrySetException(new InvalidOperationException($"The host stopped before it listened: {string.Join('\n', _output)}"));
            return;
        }

        _output.Enqueue(line);
        if (EmulatorEndpoint().Match(line) is { Success: true } match)
        {
            _address.TrySetResult(new Uri(match.Groups["base"].Value));
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex("""Bot Framework Emulator endpoint: (?<base>http://127\.0\.0\.1:\d+)/api/messages""")]
    private static partial Regex EmulatorEndpoint();
}
