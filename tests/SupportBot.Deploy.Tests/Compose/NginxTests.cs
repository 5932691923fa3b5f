using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportBot.Deploy.Tests.Infrastructure;

namespace SupportBot.Deploy.Tests.Compose;

/// <summary>
/// deploy/nginx/nginx.conf run by Debian's nginx, its upstream servers and listen port pointed at
/// loopback (the compose network's host names do not resolve here), in front of two stand-in
/// replicas that speak the real protocols: HTTP and a WebSocket at the Direct Line stream path.
/// </summary>
public sealed class NginxTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _prefix = Directory.CreateTempSubdirectory("supportbot-nginx-").FullName;
    private readonly List<WebApplication> _replicas = [];

    // Requests the replicas were reached with, by method and path (both replicas count here).
    private readonly ConcurrentDictionary<string, int> _reached = new();

    public async Task InitializeAsync()
    {
        Assert.True(Processes.Exists("nginx"), "nginx is not installed: tests/run.sh installs Debian's nginx");
        _replicas.Add(await StartReplicaAsync("bot-1", _reached));
        _replicas.Add(await StartReplicaAsync("bot-2", _reached));
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        Directory.Delete(_prefix, recursive: true);
    }

    [Fact]
    public async Task Nginx_accepts_the_compose_config()
    {
        var config = WriteConfig(FreePort());
        var check = await Processes.RunAsync("nginx", ["-t", "-e", "stderr", "-p", _prefix, "-c", config], Patience);
        Assert.True(check.Succeeded, check.Output);
        Assert.Contains("test is successful", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nginx_spreads_requests_over_both_replicas_and_passes_direct_line_websockets_through()
    {
        var port = FreePort();
        var config = WriteConfig(port);
        using var nginx = Processes.Start("nginx", ["-e", "stderr", "-p", _prefix, "-c", config, "-g", "daemon off;"], _prefix, null, out var log, out _);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Patience };
            await WaitUntilServingAsync(http, log);

            var answers = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                answers.Add(await http.GetStringAsync("/whoami"));
            }

            Assert.Contains(answers, a => a.StartsWith("bot-1 ", StringComparison.Ordinal));
            Assert.Contains(answers, a => a.StartsWith("bot-2 ", StringComparison.Ordinal));
            Assert.All(answers, a => Assert.EndsWith(" proto=http for=127.0.0.1", a, StringComparison.Ordinal));

            using var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(Patience);
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/v3/directline/conversations/abc/stream?t=token"), timeout.Token);
            await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            var buffer = new byte[256];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Matches("^bot-[12] got hello on abc$", Encoding.UTF8.GetString(buffer, 0, received.Count));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        finally
        {
            await Processes.StopAsync(nginx, Patience);
        }
    }

    [Fact]
    public async Task Nginx_never_proxies_the_metrics_and_sets_the_hosts_security_headers_where_the_host_sent_none()
    {
        await WithNginxAsync(async http =>
        {
            foreach (var path in new[] { "/metrics", "/METRICS", "//metrics", "/metrics/", "/%6Detrics", "/metrics?format=text" })
            {
                // Absolute: a relative "//metrics" would name a host.
                using var metrics = await http.GetAsync(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + path);
                Assert.True(metrics.StatusCode == HttpStatusCode.NotFound, $"{path}: {metrics.StatusCode}");
                AssertSecurityHeaders(metrics, "'none'");
            }

            Assert.DoesNotContain(_reached.Keys, k => k.Contains("metrics", StringComparison.OrdinalIgnoreCase));

            // A replica's answer without headers of its own gets nginx's; one with them keeps exactly its own.
            using var bare = await http.GetAsync("/whoami");
            AssertSecurityHeaders(bare, "'none'");
            using var chatPage = await http.GetAsync("/chat-page");
            AssertSecurityHeaders(chatPage, "'self' https://help.example.com");
            Assert.Equal(["strict-origin"], chatPage.Headers.GetValues("Referrer-Policy"));
        });
    }

    [Fact]
    public async Task Nginx_limits_token_and_conversation_creation_per_client_address_and_nothing_else()
    {
        await WithNginxAsync(async http =>
        {
            var creations = new[] { "/api/webchat/token", "/v3/directline/conversations", "/v3/directline/tokens/generate", "/V3/DirectLine/Conversations/" };
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 80; i++)
            {
                using var created = await http.PostAsync(creations[i % creations.Length], content: null);
                statuses.Add(created.StatusCode);
                if (created.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    AssertSecurityHeaders(created, "'none'");
                }
            }

            Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
            Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), _reached.Where(r => r.Key.StartsWith("POST ", StringComparison.Ordinal)).Sum(r => r.Value));

            // Posting to a conversation, reading the page and a preflight are not creation.
            for (var i = 0; i < 5; i++)
            {
                using var posted = await http.PostAsync("/v3/directline/conversations/abc/activities", content: null);
                Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
                using var preflight = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/webchat/token"));
                Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
            }
        });
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string framedBy)
    {
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none';", policy, StringComparison.Ordinal);
        Assert.Contains("base-uri 'none';", policy, StringComparison.Ordinal);
        Assert.EndsWith($"frame-ancestors {framedBy}", policy, StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Single(response.Headers.GetValues("Referrer-Policy"));
    }

    private async Task WithNginxAsync(Func<HttpClient, Task> run)
    {
        var port = FreePort();
        var config = WriteConfig(port);
        using var nginx = Processes.Start("nginx", ["-e", "stderr", "-p", _prefix, "-c", config, "-g", "daemon off;"], _prefix, null, out var log, out _);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Patience };
            await WaitUntilServingAsync(http, log);
            _reached.Clear();
            await run(http);
        }
        finally
        {
            await Processes.StopAsync(nginx, Patience);
        }
    }

    private string WriteConfig(int listenPort)
    {
        var ports = _replicas.Select(r => new Uri(r.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port).ToList();
        var path = Path.Combine(_prefix, "nginx.conf");
        File.WriteAllText(path, DeployFiles.NginxConfigOnLoopback(ports, listenPort));
        return path;
    }

    private static async Task WaitUntilServingAsync(HttpClient http, StringBuilder log)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                await http.GetStringAsync("/whoami", timeout.Token);
                return;
            }
            catch (HttpRequestException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"nginx did not serve within {Patience}:\n{Processes.Read(log)}");
            }
        }
    }

    // A replica stand-in: who answered and the forwarded headers it got; a WebSocket echo where Direct Line streams are.
    private static async Task<WebApplication> StartReplicaAsync(string name, ConcurrentDictionary<string, int> reached)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        app.Use((context, next) =>
        {
            reached.AddOrUpdate($"{context.Request.Method} {context.Request.Path}", 1, (_, n) => n + 1);
            return next(context);
        });
        app.MapMethods("/{**path}", ["POST", "OPTIONS"], () => "created");
        app.MapGet("/metrics", () => "supportbot_turns_total 1");
        app.MapGet("/chat-page", (HttpResponse response) =>
        {
            response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self' https://help.example.com";
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "strict-origin";
            return "chat";
        });
        app.MapGet("/whoami", (HttpRequest request) =>
            $"{name} proto={request.Headers["X-Forwarded-Proto"]} for={request.Headers["X-Forwarded-For"]}");
        app.Map("/v3/directline/conversations/{id}/stream", async (HttpContext context, string id) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[256];
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            var reply = Encoding.UTF8.GetBytes($"{name} got {Encoding.UTF8.GetString(buffer, 0, received.Count)} on {id}");
            await socket.SendAsync(reply, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            await socket.ReceiveAsync(buffer, context.RequestAborted);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
