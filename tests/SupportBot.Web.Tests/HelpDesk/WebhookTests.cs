using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Tickets;
using SupportBot.Web.HelpDesk.Webhooks;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>
/// Ticket events delivered to a webhook receiver on loopback: signed, retried with backoff on the
/// host's clock (a fake one here: no test sleeps through a backoff), at least once across a
/// restart, and kept as dead after the last attempt.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class WebhookTests(TrainedModelFixture model) : IDisposable
{
    private const string Secret = "whsec-test-0123456789abcdef-0123456789";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    private readonly string _folder = Directory.CreateTempSubdirectory("supportbot-web-tests-webhooks-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private string Database => Path.Combine(_folder, "supportbot.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <param name="url">Where the host sends events: the receiver's URL unless given (empty: nowhere).</param>
    private SupportBotFactory Host(WebhookReceiver receiver, int maxAttempts = 8, string? url = null) => SupportBotFactory.WithSettings(
        model,
        new Dictionary<string, string?>
        {
            ["HelpDesk:Webhook:Url"] = url ?? receiver.Url,
            ["HelpDesk:Webhook:Secret"] = Secret,
            ["HelpDesk:Webhook:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HelpDesk:Webhook:FirstRetryDelay"] = FirstRetryDelay.ToString(),
            ["HelpDesk:Webhook:MaxRetryDelay"] = MaxRetryDelay.ToString(),
        },
        Database,
        services => services.AddSingleton<TimeProvider>(_clock));

    private static ITicketStore Tickets(SupportBotFactory host) => host.Services.GetRequiredService<ITicketStore>();

    private static ITicketOutbox Outbox(SupportBotFactory host) => host.Services.GetRequiredService<ITicketOutbox>();

    /// <summary>
    /// Waits until the event's <paramref name="failures"/>-th failure is recorded, then moves the host's
    /// clock once, to exactly when the retry is due, so it is never waited for in real time. Never
    /// further, and never while an attempt is under way: a clock step between an attempt's
    /// timestamp and its recorded failure would move the failure, and so the next due time.
    /// </summary>
    private async Task<TicketEvent> MoveClockToTheRetryAfterFailureAsync(ITicketOutbox outbox, int failures)
    {
        TicketEvent? pending = null;
        await Eventually.UntilAsync(
            async () => (pending = (await outbox.ListEventsAsync(TicketEventState.Pending, 10)).SingleOrDefault(e => e.Attempts == failures)) is not null,
            $"failure {failures} recorded");
        if (pending!.NextAttemptAt > _clock.GetUtcNow())
        {
            _clock.SetUtcNow(pending.NextAttemptAt);
        }

        return pending;
    }

    [Fact]
    public async Task A_new_ticket_and_its_change_are_posted_signed_over_the_exact_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _clock.GetUtcNow);
        await using var host = Host(receiver);
        var ticket = await Tickets(host).CreateAsync(TicketRequests.Handoff(summary: "Login fails"));
        await Eventually.UntilAsync(() => receiver.Received.Count == 1, "the ticket.created event");

        using var client = host.CreateClient();
        using var patched = await client.PatchAsync($"/api/v1/tickets/{ticket.Number}", new StringContent("""{"status": "solved"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await Eventually.UntilAsync(() => receiver.Received.Count == 2, "the ticket.updated event");

        var (created, updated) = (receiver.Received[0], receiver.Received[1]);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        Assert.All(receiver.Received, r => Assert.Equal("application/json; charset=utf-8", r.ContentType));
        Assert.Equal(("ticket.created", "ticket.created"), (created.EventType, (string?)created.Json["type"]));
        Assert.Equal(created.EventId, (string?)created.Json["id"]);
        Assert.Equal(ticket.Number, (string?)created.Json["ticket"]!["number"]);
        Assert.Equal("Login fails", (string?)created.Json["ticket"]!["summary"]);
        Assert.Equal("ticket.updated", updated.EventType);
        Assert.Equal("solved", (string?)updated.Json["changes"]!["status"]!["to"]);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), created.SentAt.ToUnixTimeSeconds());

        // The signature covers the timestamp and every byte of the body.
        var tampered = created.Body.ToArray();
        tampered[^2] ^= 1;
        Assert.False(WebhookSignature.Verify(Secret, created.Timestamp, created.Signature, tampered, _clock.GetUtcNow(), WebhookSignature.DefaultTolerance));
        await Eventually.UntilAsync(async () => (await Outbox(host).ListEventsAsync(TicketEventState.Delivered, 10)).Count == 2, "both events recorded as delivered");
    }

    [Fact]
    public async Task A_receiver_that_fails_three_times_then_succeeds_gets_one_event_id_after_growing_waits()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _clock.GetUtcNow, n => n <= 3 ? 500 + n : 200);
        await using var host = Host(receiver);
        var outbox = Outbox(host);

        await Tickets(host).CreateAsync(TicketRequests.Handoff());
        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var pending = await MoveClockToTheRetryAfterFailureAsync(outbox, attempt);
            waits.Add(pending.NextAttemptAt - receiver.Received[attempt - 1].SentAt);
            var failed = attempt;
            await Eventually.UntilAsync(() => receiver.Received.Count > failed, $"attempt {failed + 1}");
        }

        await Eventually.UntilAsync(async () => (await outbox.ListEventsAsync(TicketEventState.Delivered, 10)).Count == 1, "the delivery recorded");

        Assert.Equal([501, 502, 503, 200], receiver.Received.Select(r => r.Status));
        Assert.Single(receiver.Received.Select(r => r.EventId).Distinct());
        Assert.Single(receiver.Received.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        var accepted = Assert.Single(receiver.Accepted);
        Assert.Equal(receiver.Received[0].EventId, accepted.Key);
        var delivered = Assert.Single(await outbox.ListEventsAsync(TicketEventState.Delivered, 10));
        Assert.Equal((4, accepted.Key), (delivered.Attempts, delivered.Id));

        // Doubling from the first delay, each between half and all of it (the jitter); the header has whole seconds.
        for (var i = 0; i < waits.Count; i++)
        {
            var full = FirstRetryDelay * Math.Pow(2, i);
            Assert.InRange(waits[i], (full / 2) - TimeSpan.FromSeconds(1), full + TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task An_event_the_receiver_always_refuses_is_dead_after_the_last_attempt_and_listed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _clock.GetUtcNow, _ => 500);
        await using var host = Host(receiver, maxAttempts: 3);
        var ticket = await Tickets(host).CreateAsync(TicketRequests.Handoff());

        for (var failures = 1; failures < 3; failures++)
        {
            await MoveClockToTheRetryAfterFailureAsync(Outbox(host), failures);
        }

        await Eventually.UntilAsync(async () => (await Outbox(host).ListEventsAsync(TicketEventState.Dead, 10)).Count == 1, "the event given up");
        using var client = host.CreateClient();
        var dead = Assert.Single(JsonNode.Parse(await client.GetStringAsync("/api/v1/webhook-events?state=dead"))!.AsArray())!;

        Assert.Equal(3, receiver.Received.Count);
        Assert.Equal(ticket.Number, (string?)dead["ticket"]);
        Assert.Equal("dead", (string?)dead["state"]);
        Assert.Equal(3, (int)dead["attempts"]!);
        Assert.StartsWith("HTTP 500", (string?)dead["lastError"], StringComparison.Ordinal);
        Assert.NotNull(dead["deadAt"]);
        Assert.Empty(await Outbox(host).ListEventsAsync(TicketEventState.Pending, 10));
    }

    [Fact]
    public async Task An_event_not_delivered_before_the_host_stopped_is_delivered_after_a_restart_on_the_same_database()
    {
        var up = false;
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _clock.GetUtcNow, _ => up ? 200 : 503);
        string number;
        await using (var first = Host(receiver))
        {
            number = (await Tickets(first).CreateAsync(TicketRequests.Handoff())).Number;
            await Eventually.UntilAsync(
                async () => (await Outbox(first).ListEventsAsync(TicketEventState.Pending, 10)).Any(e => e.Attempts == 1),
                "the failed first attempt recorded");
        }

        up = true;
        _clock.Advance(TimeSpan.FromHours(1));
        await using var second = Host(receiver);
        _ = second.Services;
        await Eventually.UntilAsync(() => receiver.Accepted.Count == 1, "the delivery after the restart");

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].EventId, receiver.Received[1].EventId);
        Assert.True(receiver.Received[1].SignatureValid);
        Assert.Equal(number, (string?)receiver.Accepted.Values.Single()["ticket"]!["number"]);
    }

    [Fact]
    public async Task A_ticket_created_by_a_host_stopped_before_any_delivery_is_delivered_once_by_the_next_host_on_the_same_database()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _clock.GetUtcNow);
        string number;
        await using (var first = Host(receiver, url: string.Empty))
        {
            number = (await Tickets(first).CreateAsync(TicketRequests.Handoff())).Number;
        }

        Assert.Empty(receiver.Received);
        await using var second = Host(receiver);
        _ = second.Services;
        await Eventually.UntilAsync(() => receiver.Accepted.Count == 1, "the delivery after the restart");
        await Eventually.UntilAsync(async () => (await Outbox(second).ListEventsAsync(TicketEventState.Delivered, 10)).Count == 1, "the delivery recorded");

        var delivered = Assert.Single(receiver.Received);
        Assert.True(delivered.SignatureValid);
        Assert.Equal(number, (string?)receiver.Accepted.Values.Single()["ticket"]!["number"]);
    }

    [Fact]
    public async Task Without_a_webhook_url_events_wait_in_the_outbox()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), Database, services => services.AddSingleton<TimeProvider>(_clock));
        await Tickets(host).CreateAsync(TicketRequests.Handoff());

        using var client = host.CreateClient();
        var pending = JsonNode.Parse(await client.GetStringAsync("/api/v1/webhook-events?state=pending"))!.AsArray();

        Assert.Equal(0, (int)Assert.Single(pending)!["attempts"]!);
    }

    [Fact]
    public async Task An_unknown_event_state_is_a_400()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), Database);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/v1/webhook-events?state=lost");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["state"]);
    }
}
