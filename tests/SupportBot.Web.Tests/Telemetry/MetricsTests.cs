using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.DirectLine;
using SupportBot.Web.Tests.HelpDesk;
using SupportBot.Web.Storage;

namespace SupportBot.Web.Tests.Telemetry;

/// <summary>
/// /metrics over real HTTP on a Kestrel port, read as Prometheus reads it. No other host may live
/// beside this one: each host's metrics listener subscribes to the "SupportBot" meter by name, in
/// every host of the process, and a host that ends takes the shared series with it.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class MetricsTests(KestrelSupportBot host) : IClassFixture<KestrelSupportBot>
{
    // A channel that /api/messages would reply to; with expectReplies the replies come back in the response instead.
    private const string ServiceUrl = "http://127.0.0.1:9/";

    [Fact]
    public async Task After_a_few_turns_the_metrics_count_them_by_outcome_with_turn_and_ranking_latencies()
    {
        using var client = host.CreateClient();
        var before = await ScrapeAsync(client);

        await AskAsync(client, "keyhash mismatch android");
        await AskAsync(client, "how do i center a div with flexbox");
        await AskAsync(client, "login problem");

        var (text, after) = await ScrapeTextAsync(client);
        var types = PrometheusText.Types(text);
        Assert.Equal("counter", types["supportbot_turns_total"]);
        Assert.Equal("histogram", types["supportbot_turn_duration_seconds"]);
        Assert.Equal("histogram", types["supportbot_ranking_duration_seconds"]);
        foreach (var outcome in new[] { "answered", "fallback", "clarified" })
        {
            (string, string)[] labels = [("channel", "emulator"), ("outcome", outcome)];
            Assert.Equal(1, Delta("supportbot_turns_total", labels));
            Assert.Equal(1, Delta("supportbot_turn_duration_seconds_count", labels));
        }

        Assert.Equal(3, Delta("supportbot_ranking_duration_seconds_count"));
        Assert.Equal(3, Delta("supportbot_ranking_duration_seconds_bucket", ("le", "+Inf")));

        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
    }

    [Fact]
    public async Task Open_Direct_Line_streams_are_counted_while_they_are_open()
    {
        using var client = host.CreateClient();
        var before = (await ScrapeAsync(client)).Value("supportbot_directline_streams");
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();

        await using (var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl))
        {
            await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);
            Assert.Equal(before + 1, (await ScrapeAsync(client)).Value("supportbot_directline_streams"));
        }

        await Eventually.UntilAsync(
            async () => (await ScrapeAsync(client)).Value("supportbot_directline_streams") == before,
            "the closed stream to be counted out");
    }

    [Fact]
    public async Task The_webhook_outbox_backlog_is_counted_on_the_next_interval()
    {
        using var client = host.CreateClient();
        await Eventually.UntilAsync(async () => (await ScrapeAsync(client)).Any(s => s.Name == "supportbot_webhook_events"), "the first count of the outbox");
        var pending = (await ScrapeAsync(client)).Value("supportbot_webhook_events", ("state", "pending"));

        await host.Services.GetRequiredService<ITicketStore>().CreateAsync(TicketRequests.Handoff());

        // No webhook URL is configured here, so the ticket.created event stays pending.
        await Eventually.UntilAsync(
            async () => (await ScrapeAsync(client)).Value("supportbot_webhook_events", ("state", "pending")) == pending + 1,
            "the new event in the backlog",
            meanwhile: () => host.Clock.Advance(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_write_behind_batch_dropped_after_its_retries_is_counted_by_store()
    {
        using var client = host.CreateClient();
        var store = $"test-items-{Guid.NewGuid():N}";
        var queue = new WriteBehindQueue<string>(
            _ => throw new IOException("database or disk is full"), NullLogger.Instance, store, "test.db", [TimeSpan.Zero]);

        await queue.AppendAsync("lost");
        await queue.DisposeAsync();

        await Eventually.UntilAsync(
            async () => (await ScrapeAsync(client)).Value("supportbot_storage_writes_dropped_total", ("store", store)) == 1,
            "the dropped item in the metrics");
        var (text, _) = await ScrapeTextAsync(client);
        Assert.Equal("counter", PrometheusText.Types(text)["supportbot_storage_writes_dropped_total"]);
    }

    private static async Task AskAsync(HttpClient client, string question)
    {
        using var response = await client.PostActivityAsync(Activities.Message(ServiceUrl, $"conv-{Guid.NewGuid():N}", question, expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HttpClient client) => (await ScrapeTextAsync(client)).Samples;

    private static async Task<(string Text, IReadOnlyList<PrometheusSample> Samples)> ScrapeTextAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return (text, PrometheusText.Parse(text));
    }
}
