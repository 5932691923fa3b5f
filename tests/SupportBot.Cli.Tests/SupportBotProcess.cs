using System.Diagnostics;
using System.Reflection;
using System.Text;
using SupportBot.Core.Knowledge;

namespace SupportBot.Cli.Tests;

/// <summary>What one run of the command gave back.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The lines of standard output, without the line break after the last one.</summary>
    public IReadOnlyList<string> StdoutLines =>
        Stdout.Length == 0 ? [] : Stdout.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd('\r')).ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs <c>supportbot</c> as a real process: <c>dotnet supportbot.dll ...</c>, the copy built beside
/// this test assembly, from a scratch working directory so nothing it writes lands in the checkout.
/// </summary>
public static class SupportBotProcess
{
    /// <summary>The repository's training data, found above the test output folder.</summary>
    public static TrainingDataPaths RepositoryData { get; } = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);

    /// <summary>
    /// The copy beside the tests, or the one the test assembly names (metadata <c>SupportBotCli</c>): a test
    /// project on the ASP.NET Core framework has no copies of the libraries that framework brings, which the CLI needs.
    /// </summary>
    public static string Dll { get; } =
        typeof(SupportBotProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SupportBotCli")?.Value
        ?? Path.Combine(AppContext.BaseDirectory, "supportbot.dll");

    /// <param name="environment">Environment variables for this run only (host settings such as <c>Classifier__Decision__AnswerThreshold</c>).</param>
    public static CliRun Run(IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(Dll))
        {
            throw new FileNotFoundException($"supportbot.dll is expected beside the tests at {Dll}");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Runs in the temp folder, outside any checkout. Only the command line says where data and model are, never the developer's environment.
        start.Environment.Remove("Classifier__TrainingDataPath");
        start.Environment.Remove("Classifier__ModelPath");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("supportbot did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();

        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"supportbot {string.Join(' ', args)} did not finish in time; stderr so far:\n{stderr.Result}");
        }

        process.WaitForExit();
        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A scratch folder under the system temp folder, deleted with everything in it.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"supportbot-cli-{Guid.NewGuid():N}");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
