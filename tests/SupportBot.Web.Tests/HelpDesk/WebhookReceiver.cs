using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportBot.Web.HelpDesk.Webhooks;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>
/// A help desk's webhook endpoint: a real HTTP server on loopback that checks each request's
/// signature, answers with the status the test chooses for the n-th request, and de-duplicates
/// the events it accepted by their id, as a receiver should.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private LoopbackServer? _server;
    private readonly string _secret;
    private readonly Func<DateTimeOffset> _now;
    private readonly Func<int, int> _status;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, JsonNode> _accepted = new();
    private int _count;

    private WebhookReceiver(string secret, Func<DateTimeOffset> now, Func<int, int> status)
    {
        _secret = secret;
        _now = now;
        _status = status;
    }

    public string Url { get; private set; } = string.Empty;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Each accepted event once, by id, however often it came.</summary>
    public IReadOnlyDictionary<string, JsonNode> Accepted => _accepted;

    /// <param name="status">The status for the n-th request (1-based); 200 when null.</param>
    /// <param name="now">The clock the signature's timestamp is checked against.</param>
    public static async Task<WebhookReceiver> StartAsync(string secret, Func<DateTimeOffset>? now = null, Func<int, int>? status = null)
    {
        var receiver = new WebhookReceiver(secret, now ?? (() => DateTimeOffset.UtcNow), status ?? (_ => StatusCodes.Status200OK));
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/tickets", receiver.ReceiveAsync));
        receiver.Url = receiver._server.BaseUrl + "/hooks/tickets";
        return receiver;
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        var headers = context.Request.Headers;
        var valid = WebhookSignature.Verify(
            _secret, headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], bytes, _now(), WebhookSignature.DefaultTolerance);
        var status = valid ? _status(Interlocked.Increment(ref _count)) : StatusCodes.Status401Unauthorized;
        var received = new ReceivedWebhook(
            headers[WebhookSignature.EventIdHeader],
            headers[WebhookSignature.EventTypeHeader],
            headers[WebhookSignature.TimestampHeader],
            headers[WebhookSignature.SignatureHeader],
            context.Request.ContentType,
            bytes,
            valid,
            status);
        if (valid && status < 300 && received.EventId is { } id)
        {
            _accepted.TryAdd(id, received.Json);
        }

        _received.Enqueue(received);
        context.Response.StatusCode = status;
    }
}

/// <summary>One request the receiver got: its event and signature headers, the exact body, whether the signature held, and the status it answered.</summary>
public sealed record ReceivedWebhook(
    string? EventId,
    string? EventType,
    string? Timestamp,
    string? Signature,
    string? ContentType,
    byte[] Body,
    bool SignatureValid,
    int Status)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public DateTimeOffset SentAt => DateTimeOffset.FromUnixTimeSeconds(long.Parse(Timestamp!, System.Globalization.CultureInfo.InvariantCulture));
}
