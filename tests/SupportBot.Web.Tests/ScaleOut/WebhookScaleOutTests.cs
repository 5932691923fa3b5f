using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.HelpDesk.Webhooks;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// The webhook outbox with both replicas dispatching: tickets made and changed through nginx while
/// the receiver refuses everything at once (so a backlog of retried events gathers), then a receiver
/// that takes a second over each answer; every event is delivered, no event is ever in delivery
/// twice at the same moment, and both replicas deliver.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", "ScaleOut")]
public sealed partial class WebhookScaleOutTests(TrainedModelFixture model) : IAsyncLifetime
{
    private const string Secret = "whsec-scaleout-0123456789abcdef-0123456789";
    private const string ApiKey = "scaleout-api-key-0123456789abcdef";
    private const int Tickets = 6;
    private const int ChangesPerTicket = 4;

    // A lease is 2 × 2 s + 5 s: a backlog of ten or more claimed at once and answered in 1 s each
    // takes longer than that to send one by one.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(1);

    private ReplicasBehindNginx? _deployment;
    private SlowWebhookReceiver? _receiver;

    private ReplicasBehindNginx Deployment => _deployment!;

    public async Task InitializeAsync()
    {
        _receiver = await SlowWebhookReceiver.StartAsync(Secret, SlowAnswer);
        _deployment = await ReplicasBehindNginx.StartAsync(model, new Dictionary<string, string>
        {
            ["HelpDesk:Webhook:Url"] = _receiver.Url,
            ["HelpDesk:Webhook:Secret"] = Secret,
            ["HelpDesk:Webhook:Timeout"] = AttemptTimeout.ToString(),
            ["HelpDesk:Webhook:PollInterval"] = "00:00:00.2",
            ["HelpDesk:Webhook:FirstRetryDelay"] = "00:00:00.5",
            ["HelpDesk:Webhook:MaxRetryDelay"] = "00:00:02",
            ["HelpDesk:Webhook:MaxAttempts"] = "100",
            ["HelpDesk:ApiKeys:0:Name"] = "scale-out test",
            ["HelpDesk:ApiKeys:0:Key"] = ApiKey,

            // One user makes every ticket here: the limit per user (Handoff:MaxTicketsPerUser) is not under test.
            ["Handoff:MaxTicketsPerUser"] = "1000",

            // The test looks at the outbox every 20 ms until it is empty.
            ["RateLimits:HelpDeskApi:PermitLimit"] = "100000",
        });
    }

    public async Task DisposeAsync()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_ticket_event_is_delivered_never_twice_at_once_and_both_replicas_deliver()
    {
        var receiver = _receiver!;
        using var http = await Deployment.ClientAsync();
        http.DefaultRequestHeaders.Add(ApiKeys.Header, ApiKey);

        var numbers = new List<string>();
        for (var i = 0; i < Tickets; i++)
        {
            numbers.Add(await HandOffAsync(http, $"conv-{Guid.NewGuid():N}", $"Scale-out ticket {i}"));
        }

        await Task.WhenAll(numbers.Select(async number =>
        {
            for (var change = 1; change <= ChangesPerTicket; change++)
            {
                using var patched = await http.PatchAsync($"/api/v1/tickets/{number}", new StringContent($$"""{"assignee": "agent-{{change}}"}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            }
        }));

        var expected = Tickets * (1 + ChangesPerTicket);
        await Eventually.UntilAsync(async () => await CountEventsAsync(http, "pending") == expected, "every event in the outbox");
        receiver.Up = true;
        await Eventually.UntilAsync(() => receiver.Accepted.Count >= expected, $"{expected} events accepted");
        await Eventually.UntilAsync(async () => await CountEventsAsync(http, "pending") == 0, "no event left pending");

        var deliveries = receiver.Deliveries;
        var byEvent = deliveries.GroupBy(d => d.EventId).ToDictionary(g => g.Key, g => g.OrderBy(d => d.Start).ToList());
        Assert.Equal(expected, byEvent.Count);
        Assert.Equal(expected, await CountEventsAsync(http, "delivered"));
        Assert.Equal(0, await CountEventsAsync(http, "dead"));
        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"event {d.EventId}: signature"));
        Assert.Equal(Tickets, byEvent.Values.Count(ds => ds[0].EventType == "ticket.created"));

        // Never two deliveries of one event at the same moment: each starts after the one before ended.
        foreach (var (id, attempts) in byEvent)
        {
            for (var i = 1; i < attempts.Count; i++)
            {
                Assert.True(
                    attempts[i].Start >= attempts[i - 1].End,
                    $"event {id} was being delivered twice at once: {string.Join(", ", attempts.Select(a => $"{a.Start}..{a.End} ({a.Status})"))}");
            }
        }

        // Events refused while the receiver was down were retried until accepted.
        Assert.True(
            byEvent.Values.Count(attempts => attempts[0].Status == (int)HttpStatusCode.ServiceUnavailable) >= Tickets,
            "the tickets' created events, at least, were refused at first");
        Assert.All(byEvent.Values, attempts => Assert.Equal((int)HttpStatusCode.OK, attempts.Last(a => a.Status != 0).Status));

        // Each replica took requests that enqueue events, and each delivered some events (its own log).
        Assert.All(Enumerable.Range(0, 2), i => Assert.True(Deployment.Served(i, "/api/v1/tickets/", "PATCH") > 0, $"replica {i} served no change"));
        var deliveredBy = Enumerable.Range(0, 2).Select(i => Deployment.Replicas[i].Output.Where(l => DeliveredLine().IsMatch(l)).Select(l => DeliveredLine().Match(l).Groups["id"].Value).ToHashSet()).ToArray();
        Assert.All(deliveredBy, ids => Assert.NotEmpty(ids));
        Assert.Equal(byEvent.Keys.ToHashSet(), deliveredBy[0].Union(deliveredBy[1]).ToHashSet());
    }

    /// <summary>A conversation that asks for a person and leaves its email and a summary: the bot makes a ticket.</summary>
    private static async Task<string> HandOffAsync(HttpClient http, string conversation, string summary)
    {
        string[] said = ["talk to a person", "yes", "dev@example.com", summary];
        var replies = new List<string>();
        foreach (var text in said)
        {
            using var response = await http.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, text, expectReplies: true));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            replies = [.. body["activities"]!.AsArray().Select(a => (string?)a!["text"]).OfType<string>()];
        }

        var created = replies.FirstOrDefault(r => TicketNumber().IsMatch(r));
        Assert.True(created is not null, $"no ticket made; the last replies: {string.Join(" | ", replies)}");
        return TicketNumber().Match(created).Value;
    }

    private static async Task<int> CountEventsAsync(HttpClient http, string state) =>
        JsonNode.Parse(await http.GetStringAsync($"/api/v1/webhook-events?state={state}"))!.AsArray().Count;

    [GeneratedRegex(@"SB-\d{6,}")]
    private static partial Regex TicketNumber();

    [GeneratedRegex(@"Webhook event (?<id>\S+) .* delivered on attempt")]
    private static partial Regex DeliveredLine();

    /// <summary>One request the receiver got for an event: when it began and ended (receiver's monotonic clock), and how it was answered.</summary>
    private sealed record Delivery(string EventId, string? EventType, TimeSpan Start, TimeSpan End, int Status, bool SignatureValid);

    /// <summary>
    /// A webhook endpoint on loopback that refuses every event with 503 at once until it is up, then
    /// answers each request after a while, and records each request's start and end (or the sender
    /// giving up).
    /// </summary>
    private sealed class SlowWebhookReceiver : IAsyncDisposable
    {
        private LoopbackServer? _server;
        private readonly string _secret;
        private readonly TimeSpan _slow;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<Delivery> _deliveries = new();
        private readonly ConcurrentDictionary<string, bool> _accepted = new();
        private bool _up;

        private SlowWebhookReceiver(string secret, TimeSpan slow) => (_secret, _slow) = (secret, slow);

        public string Url { get; private set; } = string.Empty;

        public bool Up
        {
            get => Volatile.Read(ref _up);
            set => Volatile.Write(ref _up, value);
        }

        public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

        public IReadOnlyDictionary<string, bool> Accepted => _accepted;

        public static async Task<SlowWebhookReceiver> StartAsync(string secret, TimeSpan slow)
        {
            var receiver = new SlowWebhookReceiver(secret, slow);
            receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/tickets", receiver.ReceiveAsync));
            receiver.Url = receiver._server.BaseUrl + "/hooks/tickets";
            return receiver;
        }

        public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

        private async Task ReceiveAsync(HttpContext context)
        {
            var start = _clock.Elapsed;
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers;
            var id = headers[WebhookSignature.EventIdHeader].ToString();
            var valid = WebhookSignature.Verify(
                _secret, headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], body.ToArray(), DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance);
            var up = Up;
            if (up)
            {
                try
                {
                    await Task.Delay(_slow, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The sender gave up (its timeout): the attempt ends here, unanswered.
                    _deliveries.Enqueue(new Delivery(id, headers[WebhookSignature.EventTypeHeader], start, _clock.Elapsed, 0, valid));
                    return;
                }
            }

            var status = !valid ? StatusCodes.Status401Unauthorized : up ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            if (status == StatusCodes.Status200OK)
            {
                _accepted.TryAdd(id, true);
            }

            _deliveries.Enqueue(new Delivery(id, headers[WebhookSignature.EventTypeHeader], start, _clock.Elapsed, status, valid));
            context.Response.StatusCode = status;
        }
    }
}
