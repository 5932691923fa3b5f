using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Web.Hosting;

namespace SupportBot.Web.Tests.Hosting;

/// <summary>The steps of a shutdown, driven one by one on a fake clock: not ready at once, serving through the drain, then 503s.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ShutdownDrainTests(TrainedModelFixture model)
{
    [Fact]
    public async Task The_host_is_not_ready_from_sigterm_on_serves_through_the_drain_then_refuses_new_work_with_503()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?> { ["Shutdown:DrainDelay"] = "00:00:10" },
            services: services => services.AddSingleton<TimeProvider>(clock));
        using var client = await host.CreateReadyClientAsync();

        // What the host runs after SIGTERM, before the web server stops (the process test sends a real SIGTERM).
        var drain = host.Services.GetRequiredService<ShutdownState>().StoppingAsync(CancellationToken.None);

        using (var readiness = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
            Assert.Equal("Unhealthy", (string?)JsonNode.Parse(await readiness.Content.ReadAsStringAsync())!["checks"]!["shutdown"]!["status"]);
        }

        Assert.False(drain.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, await AskAsync(client));

        clock.Advance(TimeSpan.FromSeconds(10));
        await drain;

        using var refused = await client.PostAsJsonAsync("/api/v1/answers", new { question = "keyhash mismatch android" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.True(refused.Headers.ConnectionClose);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        // Scraped from this machine (the test server's own caller has no address, so it counts as no one's).
        var scrape = await host.Server.SendAsync(context =>
        {
            context.Request.Path = "/metrics";
            context.Connection.RemoteIpAddress = context.Connection.LocalIpAddress = IPAddress.Loopback;
        });
        Assert.Equal(StatusCodes.Status200OK, scrape.Response.StatusCode);
    }

    private static async Task<HttpStatusCode> AskAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/answers", new { question = "keyhash mismatch android" });
        return response.StatusCode;
    }
}
