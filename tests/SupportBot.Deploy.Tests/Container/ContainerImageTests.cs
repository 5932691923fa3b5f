using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Web.Health;

namespace SupportBot.Deploy.Tests.Container;

/// <summary>
/// deploy/build-image.sh builds the image on a Debian base made with debootstrap (cached in the
/// local image store), and the image runs as a container would: buildah run, chroot isolation,
/// the host's network, the image's user, working directory, environment and entrypoint.
/// </summary>
public sealed class ContainerImageTests(ITestOutputHelper output)
{
    private const string BaseImage = "localhost/supportbot-debian-base:bookworm";
    private const string Tag = "localhost/supportbot:deploy-test";
    private static readonly TimeSpan BuildPatience = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReadyPatience = TimeSpan.FromSeconds(90);

    // What `buildah run` itself writes into the container (mount points and its marker file), and
    // the two places the app may write: /app/data (the SQLite default, a generated Direct Line
    // secret) and /tmp (the runtime's diagnostics sockets).
    private static readonly string[] RunWrites = ["/etc", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/run", "/run/.containerenv", "/app/data", "/tmp"];
    private static readonly string[] WritableFolders = ["/app/data/", "/tmp/"];

    [Fact]
    public async Task Image_built_on_a_debootstrap_base_runs_as_non_root_gets_ready_and_answers_a_question()
    {
        foreach (var tool in new[] { "buildah", "podman", "debootstrap" })
        {
            Assert.True(Processes.Exists(tool), $"{tool} is not installed: tests/run.sh installs buildah, podman and debootstrap");
        }

        var clock = Stopwatch.StartNew();
        var baseImage = await Processes.RunAsync("bash", [Repository.PathOf("tests", "container", "debian-base.sh"), BaseImage], BuildPatience);
        Assert.True(baseImage.Succeeded, baseImage.Output);
        output.WriteLine($"{baseImage.Output.Trim()} ({clock.Elapsed.TotalSeconds:F0} s)");

        var context = Directory.CreateTempSubdirectory("supportbot-image-").FullName;
        try
        {
            var build = await Processes.RunAsync(
                "bash",
                [Repository.PathOf("deploy", "build-image.sh"), Tag],
                BuildPatience,
                environment: new Dictionary<string, string> { ["BASE_IMAGE"] = BaseImage, ["IMAGE_CONTEXT"] = context });
            Assert.True(build.Succeeded, $"deploy/build-image.sh failed:\n{build.Output}");
            foreach (var step in build.StandardOutput.Split('\n').Where(line => line.StartsWith("==", StringComparison.Ordinal) || line.StartsWith("   ", StringComparison.Ordinal)))
            {
                output.WriteLine(step);
            }

            output.WriteLine($"image built at {clock.Elapsed.TotalSeconds:F0} s");

            await AssertImageConfigurationAsync();
            await RunContainerAsync();
            output.WriteLine($"whole image test: {clock.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            Directory.Delete(context, recursive: true);
            await Processes.RunAsync("buildah", ["rmi", Tag], TimeSpan.FromMinutes(1));
        }
    }

    private static async Task AssertImageConfigurationAsync()
    {
        using var config = await InspectAsync();
        var root = config.RootElement.GetProperty("Docker").GetProperty("config");
        Assert.Equal("1654", root.GetProperty("User").GetString());
        Assert.Equal(["/app/SupportBot.Web"], root.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("ExposedPorts").TryGetProperty($"{DeployFiles.ImagePort}/tcp", out _), "the image exposes its port");
        var healthcheck = string.Join(' ', root.GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("CMD bash -c ", healthcheck, StringComparison.Ordinal);
        Assert.Contains(HealthEndpoints.Liveness, healthcheck, StringComparison.Ordinal);
    }

    private async Task RunContainerAsync()
    {
        var container = (await Processes.RunAsync("buildah", ["from", "--pull-never", Tag], TimeSpan.FromMinutes(1))).StandardOutput.Trim();
        Assert.False(string.IsNullOrEmpty(container), "buildah from made no container");
        Process? app = null;
        try
        {
            var port = FreePort();
            var configured = await Processes.RunAsync("buildah", ["config", "--env", $"ASPNETCORE_URLS=http://127.0.0.1:{port}", container], TimeSpan.FromMinutes(1));
            Assert.True(configured.Succeeded, configured.Output);

            // A second earlier than the start, as find compares whole seconds.
            var started = DateTimeOffset.UtcNow.AddSeconds(-1);
            var clock = Stopwatch.StartNew();
            app = Processes.Start("buildah", ["run", "--isolation", "chroot", "--network", "host", container, "--", "/app/SupportBot.Web"], null, null, out var log, out _);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilReadyAsync(http, app, log);
            output.WriteLine($"/readyz answered 200 {clock.Elapsed.TotalSeconds:F1} s after buildah run started the container");

            var answer = await http.PostAsJsonAsync("/api/v1/answers", new { question = "keyhash mismatch android", top = 1 });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.True(body.RootElement.GetProperty("answered").GetBoolean());
            Assert.Equal("android-keyhash-mismatch", body.RootElement.GetProperty("matches")[0].GetProperty("id").GetString());

            // The HEALTHCHECK command itself, run in the container beside the app, and the user it runs as.
            var healthcheck = await Processes.RunAsync("buildah", ["run", "--isolation", "chroot", "--network", "host", container, "--", .. await HealthcheckCommandAsync()], TimeSpan.FromMinutes(1));
            Assert.True(healthcheck.Succeeded, $"the image's HEALTHCHECK failed:\n{healthcheck.Output}");
            var user = await Processes.RunAsync("buildah", ["run", "--isolation", "chroot", container, "--", "id", "-u"], TimeSpan.FromMinutes(1));
            Assert.Equal("1654", user.StandardOutput.Trim());

            await AssertWritesOnlyToWritableFoldersAsync(container, started);
            output.WriteLine(Processes.Read(log));
        }
        finally
        {
            if (app is not null)
            {
                await Processes.StopAsync(app, TimeSpan.FromSeconds(30));
                app.Dispose();
            }

            await Processes.RunAsync("buildah", ["rm", container], TimeSpan.FromMinutes(1));
        }
    }

    private static async Task<string[]> HealthcheckCommandAsync()
    {
        using var config = await InspectAsync();
        var test = config.RootElement.GetProperty("Docker").GetProperty("config").GetProperty("Healthcheck").GetProperty("Test")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal("CMD", test[0]);
        return test[1..];
    }

    // The image in Docker's format, which keeps the HEALTHCHECK (buildah's Go templates here have no json function).
    private static async Task<JsonDocument> InspectAsync()
    {
        var inspect = await Processes.RunAsync("buildah", ["inspect", "--type", "image", Tag], TimeSpan.FromMinutes(1));
        Assert.True(inspect.Succeeded, inspect.Output);
        return JsonDocument.Parse(inspect.StandardOutput);
    }

    private static async Task AssertWritesOnlyToWritableFoldersAsync(string container, DateTimeOffset since)
    {
        var mount = await Processes.RunAsync("buildah", ["mount", container], TimeSpan.FromMinutes(1));
        Assert.True(mount.Succeeded, mount.Output);
        var root = mount.StandardOutput.Trim();
        try
        {
            var changed = await Processes.RunAsync(
                "find", [root, "-xdev", "-newermt", $"@{since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}"], TimeSpan.FromMinutes(2));
            Assert.True(changed.Succeeded, changed.Output);
            var written = changed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(path => path[root.Length..])
                .Where(path => path.Length > 0 && !RunWrites.Contains(path) && !WritableFolders.Any(f => path.StartsWith(f, StringComparison.Ordinal)))
                .ToList();
            Assert.True(written.Count == 0, $"the app wrote outside /app/data and /tmp: {string.Join(", ", written)}");
        }
        finally
        {
            await Processes.RunAsync("buildah", ["umount", container], TimeSpan.FromMinutes(1));
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, Process app, System.Text.StringBuilder log)
    {
        using var timeout = new CancellationTokenSource(ReadyPatience);
        while (true)
        {
            Assert.False(app.HasExited, $"the container stopped:\n{Processes.Read(log)}");
            try
            {
                using var ready = await http.GetAsync(HealthEndpoints.Readiness, timeout.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"/readyz did not answer 200 within {ReadyPatience}:\n{Processes.Read(log)}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
