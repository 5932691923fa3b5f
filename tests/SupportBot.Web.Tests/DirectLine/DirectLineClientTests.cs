using System.Diagnostics;
using System.Text;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>
/// The real <c>botframework-directlinejs</c> npm client (what Web Chat runs on) against the host on
/// a real Kestrel port: tests/directline-client, run with <c>node --test</c>.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class DirectLineClientTests(KestrelSupportBot host) : IClassFixture<KestrelSupportBot>
{
    private static readonly TimeSpan NpmPatience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan NodePatience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_directlinejs_client_is_answered_over_the_websocket_and_by_polling_and_resumes_from_a_watermark()
    {
        var client = ClientDirectory();
        if (!File.Exists(Path.Combine(client, "node_modules", ".package-lock.json")))
        {
            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], client, environment: [], NpmPatience);
            Assert.True(install.ExitCode == 0, $"npm ci failed:\n{install.Output}");
        }

        var run = await RunAsync(
            "node",
            ["--test"],
            client,
            [("SUPPORTBOT_URL", host.BaseAddress.GetLeftPart(UriPartial.Authority))],
            NodePatience);

        Assert.True(run.ExitCode == 0, $"node --test failed:\n{run.Output}");
        Assert.Contains("# pass 3", run.Output, StringComparison.Ordinal);
        Assert.Contains("# fail 0", run.Output, StringComparison.Ordinal);
    }

    private static string ClientDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SupportBot.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "directline-client");
            }
        }

        throw new DirectoryNotFoundException($"SupportBot.sln not found above {AppContext.BaseDirectory}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string program, string[] arguments, string directory, (string Name, string Value)[] environment, TimeSpan patience)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} did not finish within {patience}:\n{Read(output)}");
        }

        return (process.ExitCode, Read(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
