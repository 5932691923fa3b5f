using System.Diagnostics;
using System.Text;

namespace SupportBot.Deploy.Tests.Infrastructure;

/// <summary>What a finished command printed (standard output and error interleaved) and its exit code.</summary>
internal sealed record CommandResult(int ExitCode, string Output, string StandardOutput)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs the real tools the deployment files are for (kubectl, node, nginx, buildah, bicep).</summary>
internal static class Processes
{
    public static async Task<CommandResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        TimeSpan patience,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(program, arguments, workingDirectory, environment, out var output, out var standardOutput);
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CommandResult(-1, $"{program} did not finish within {patience}:\n{Read(output)}", Read(standardOutput));
        }

        // WaitForExitAsync returns once the process ends; this waits for the last redirected lines.
        process.WaitForExit();
        return new CommandResult(process.ExitCode, Read(output), Read(standardOutput));
    }

    /// <summary>Starts a long-running command (a server); the caller stops it with <see cref="Stop"/>.</summary>
    public static Process Start(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        out StringBuilder output,
        out StringBuilder standardOutput)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory ?? Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var all = new StringBuilder();
        var stdout = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data, all, stdout);
        process.ErrorDataReceived += (_, e) => Append(e.Data, all);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = all;
        standardOutput = stdout;
        return process;
    }

    /// <summary>SIGTERM first (buildah run passes it on to the container), then a kill if it lingers.</summary>
    public static async Task StopAsync(Process process, TimeSpan patience)
    {
        if (process.HasExited)
        {
            return;
        }

        await RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Whether a program is on the PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    public static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Append(string? line, params StringBuilder[] outputs)
    {
        if (line is null)
        {
            return;
        }

        foreach (var output in outputs)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
