using System.Diagnostics;
using System.Text;
using SupportBot.Deploy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// The real <c>botframework-directlinejs</c> client (tests/directline-client/scaleout.mjs) against
/// two replicas behind nginx: its posts land on both replicas, its WebSocket is held by one, and
/// when that one is killed with SIGKILL the client reconnects by itself from its watermark.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", "ScaleOut")]
public sealed class DirectLineJsScaleOutTests(TrainedModelFixture model, ITestOutputHelper log) : IAsyncLifetime
{
    private const string KillRequest = "scaleout: kill the stream holder of ";

    private static readonly TimeSpan NodePatience = TimeSpan.FromMinutes(4);

    private ReplicasBehindNginx? _deployment;

    private ReplicasBehindNginx Deployment => _deployment!;

    public async Task InitializeAsync() => _deployment = await ReplicasBehindNginx.StartAsync(model, new Dictionary<string, string>());

    public async Task DisposeAsync()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_directlinejs_client_reconnects_by_itself_when_the_replica_holding_its_websocket_is_killed_and_misses_nothing()
    {
        using (await Deployment.ClientAsync())
        {
            // nginx serves: the client may start.
        }

        string? conversation = null;
        int? holder = null;
        int[] postsBeforeKill = [];
        var run = await RunClientAsync(id =>
        {
            conversation = id;
            holder = Enumerable.Range(0, 2).Single(i => Deployment.Served(i, $"/conversations/{id}/stream") == 1);
            postsBeforeKill = [.. Enumerable.Range(0, 2).Select(i => Deployment.Served(i, $"/conversations/{id}/activities", "POST"))];
            Deployment.Replicas[holder.Value].KillAbruptly();
        });

        log.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, $"the directlinejs client failed:\n{run.Output}\nnginx:\n{Deployment.NginxLog}");
        Assert.Contains("# pass 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("# fail 0", run.Output, StringComparison.Ordinal);
        Assert.NotNull(conversation);
        var survivor = 1 - holder!.Value;
        Assert.True(Deployment.Replicas[holder.Value].HasExited);

        // Round robin: the three posts before the kill were served by both replicas.
        Assert.Equal(3, postsBeforeKill.Sum());
        Assert.All(postsBeforeKill, served => Assert.InRange(served, 1, 2));

        // directlinejs asked the survivor for a new streamUrl from its watermark and opened it there.
        Assert.Equal(1, Deployment.Served(survivor, $"/v3/directline/conversations/{conversation}?watermark="));
        Assert.Equal(1, Deployment.Served(survivor, $"/conversations/{conversation}/stream"));
    }

    /// <summary>Runs scaleout.mjs against nginx; <paramref name="kill"/> is called when the client asks for the kill.</summary>
    private async Task<(int ExitCode, string Output)> RunClientAsync(Action<string> kill)
    {
        var client = Path.Combine(Repository.Root, "tests", "directline-client");
        if (!File.Exists(Path.Combine(client, "node_modules", ".package-lock.json")))
        {
            var install = await Processes.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), client);
            Assert.True(install.Succeeded, $"npm ci failed:\n{install.Output}");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = client,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--test-reporter=tap", "scaleout.mjs" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["SUPPORTBOT_URL"] = Deployment.BaseAddress.GetLeftPart(UriPartial.Authority);
        var output = new StringBuilder();
        using var node = new Process { StartInfo = info };
        Exception? killFailed = null;
        node.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            if (e.Data is { } line && line.StartsWith(KillRequest, StringComparison.Ordinal))
            {
                // Thrown here, an exception would end the test process: kept, and the client told.
                try
                {
                    kill(line[KillRequest.Length..].Trim());
                    node.StandardInput.WriteLine("killed");
                }
                catch (Exception ex)
                {
                    killFailed = ex;
                    node.StandardInput.WriteLine("not killed");
                }

                node.StandardInput.Flush();
            }
        };
        node.ErrorDataReceived += (_, e) => Append(output, e.Data);
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(NodePatience);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync(CancellationToken.None);
            return (-1, $"node did not finish within {NodePatience}:\n{Processes.Read(output)}");
        }

        node.WaitForExit();
        if (killFailed is not null)
        {
            throw new InvalidOperationException($"The kill failed:\n{Processes.Read(output)}", killFailed);
        }

        return (node.ExitCode, Processes.Read(output));
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
}
