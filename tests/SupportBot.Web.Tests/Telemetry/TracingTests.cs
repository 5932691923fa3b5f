using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.Telemetry;

/// <summary>Traces go to an OTLP collector only when one is configured.</summary>
[Collection(WebHostCollection.Name)]
public sealed class TracingTests(TrainedModelFixture model)
{
    [Fact]
    public async Task With_an_OTLP_endpoint_the_spans_of_a_turn_and_its_ranking_are_exported_to_it()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var conversation = $"conv-traced-{Guid.NewGuid():N}";
        await using (var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Telemetry:Tracing:OtlpEndpoint"] = collector.Endpoint,
            ["Telemetry:Tracing:Protocol"] = "HttpProtobuf",
            ["Telemetry:ServiceName"] = "supportbot-under-test",
        }))
        {
            using var client = await host.CreateReadyClientAsync();
            using var response = await client.PostActivityAsync(Activities.Message("http://127.0.0.1:9/", conversation, "keyhash mismatch android", expectReplies: true));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // What the host's shutdown does; the test host's disposal does not wait for the exporter.
            Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(), "the spans were exported");
        }

        Assert.NotEmpty(collector.Exports);
        Assert.All(collector.Exports, e => Assert.Equal("application/x-protobuf", e.ContentType));
        var spans = collector.Exports.SelectMany(e => e.Body).ToArray();
        Assert.True(Contains(spans, conversation), "the turn's conversation id");
        Assert.True(Contains(spans, "supportbot-under-test"), "the service name is the resource's");
        Assert.True(Contains(spans, "turn"), "a turn span");
        Assert.True(Contains(spans, "rank"), "a rank span");
        Assert.True(Contains(spans, "android-keyhash-mismatch"), "the ranking's top intent");
    }

    // Protobuf keeps strings as UTF-8 bytes: a name or tag value appears as it is.
    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
