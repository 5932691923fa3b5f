using System.Net;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.Telemetry;

/// <summary>Who may scrape /metrics: anyone by default, or only the allowed networks, or only on the metrics port.</summary>
[Collection(WebHostCollection.Name)]
public sealed class MetricsAccessTests(TrainedModelFixture model)
{
    [Fact]
    public async Task Metrics_are_open_by_default_and_closed_to_callers_outside_the_allowed_networks()
    {
        await using var restricted = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:AllowedNetworks:0"] = "10.0.0.0/8",
        });
        using var client = restricted.CreateClient();

        using var refused = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Contains("Telemetry:Metrics:AllowedNetworks", (string?)problem["detail"], StringComparison.Ordinal);

        await using var open = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());
        using var allowed = await open.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task With_a_metrics_port_the_metrics_are_not_served_on_the_public_port()
    {
        await using var internalPort = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:Port"] = "9464",
        });
        using var client = internalPort.CreateClient();

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
