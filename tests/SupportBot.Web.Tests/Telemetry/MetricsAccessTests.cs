using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace SupportBot.Web.Tests.Telemetry;

/// <summary>
/// Who may scrape /metrics: by default only a caller on the same machine, not through a proxy;
/// also the allowed networks; on the metrics port any caller, and never on the public port.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class MetricsAccessTests(TrainedModelFixture model)
{
    private static readonly IPAddress Outsider = IPAddress.Parse("203.0.113.9");

    [Fact]
    public async Task By_default_only_a_caller_on_this_machine_may_scrape_and_not_through_a_proxy()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());

        var outsider = await ScrapeAsync(host, Outsider, IPAddress.Parse("10.0.0.5"));
        var local = await ScrapeAsync(host, IPAddress.Loopback, IPAddress.Loopback);
        var localV6 = await ScrapeAsync(host, IPAddress.IPv6Loopback, IPAddress.IPv6Loopback);
        var proxied = await ScrapeAsync(host, IPAddress.Loopback, IPAddress.Loopback, configure: request => request.Headers["X-Forwarded-For"] = "198.51.100.7");
        var forwardedToLoopback = await ScrapeAsync(host, IPAddress.Loopback, IPAddress.Parse("10.0.0.5"));
        var noAddress = await ScrapeAsync(host, remote: null, local: null);

        Assert.Equal(StatusCodes.Status403Forbidden, outsider.Response.StatusCode);
        Assert.Equal("application/problem+json", outsider.Response.ContentType?.Split(';')[0]);
        var problem = JsonNode.Parse(await new StreamReader(outsider.Response.Body).ReadToEndAsync())!;
        Assert.Contains("Telemetry:Metrics:AllowedNetworks", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("Telemetry:Metrics:Port", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status200OK, local.Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, localV6.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, proxied.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, forwardedToLoopback.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, noAddress.Response.StatusCode);
    }

    [Fact]
    public async Task The_allowed_networks_may_scrape_and_callers_outside_them_may_not()
    {
        await using var restricted = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:AllowedNetworks:0"] = "10.0.0.0/8",
        });

        var inside = await ScrapeAsync(restricted, IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.0.0.5"));
        var outside = await ScrapeAsync(restricted, Outsider, IPAddress.Parse("10.0.0.5"));

        Assert.Equal(StatusCodes.Status200OK, inside.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, outside.Response.StatusCode);
    }

    [Fact]
    public async Task With_a_metrics_port_the_metrics_are_served_there_to_any_caller_and_not_on_the_public_port()
    {
        await using var internalPort = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:Port"] = "9464",
        });
        using var client = internalPort.CreateClient();

        using var publicPort = await client.GetAsync("/metrics");
        var onMetricsPort = await ScrapeAsync(internalPort, Outsider, IPAddress.Parse("10.0.0.5"), port: 9464);

        // The Host header names the metrics port, but the connection came in on another one.
        var hostHeaderOnly = await ScrapeAsync(internalPort, Outsider, IPAddress.Parse("10.0.0.5"), port: 9464, configure: request => request.Host = new HostString("bot.example", 9464), localPort: 8080);

        Assert.Equal(HttpStatusCode.NotFound, publicPort.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, onMetricsPort.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, hostHeaderOnly.Response.StatusCode);
    }

    /// <summary>A scrape over the test server, from and to the given addresses (a real listener cannot be given a caller's address).</summary>
    private static Task<HttpContext> ScrapeAsync(
        SupportBotFactory host, IPAddress? remote, IPAddress? local, int port = 0, Action<HttpRequest>? configure = null, int? localPort = null) =>
        host.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/metrics";
            context.Request.Host = port > 0 ? new HostString("localhost", port) : new HostString("localhost");
            context.Connection.RemoteIpAddress = remote;
            context.Connection.LocalIpAddress = local;
            context.Connection.LocalPort = localPort ?? port;
            configure?.Invoke(context.Request);
        });
}
