using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.HelpDesk.Webhooks;

/// <summary>
/// Delivers the outbox's ticket events to <c>HelpDesk:Webhook:Url</c>: a signed JSON POST per
/// event, retried with capped, jittered exponential backoff, and after the last attempt kept as
/// dead. Woken at once by a new event, otherwise it sleeps until the next retry is due (or the
/// poll interval, for events another process wrote). Events are claimed with a lease, so one that
/// was being sent when the host stopped is sent again after the restart: at least once.
/// </summary>
public sealed class WebhookDispatcher(
    ITicketOutbox outbox,
    IHttpClientFactory clients,
    IOptions<HelpDeskOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "SupportBot.Webhooks";

    private const string UserAgent = "SupportBot-Webhooks/1";

    private readonly WebhookOptions _webhook = options.Value.Webhook;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_webhook.IsEnabled)
        {
            logger.LogInformation("No webhook URL is configured ({Setting}): ticket events stay in the outbox", "HelpDesk:Webhook:Url");
            return;
        }

        logger.LogInformation("Delivering ticket events to {WebhookUrl}", _webhook.Url);
        var client = clients.CreateClient(HttpClientName);

        // Long enough for an attempt to end (or time out) before anyone may claim the event again.
        var lease = (_webhook.Timeout * 2) + TimeSpan.FromSeconds(5);
        while (!stoppingToken.IsCancellationRequested)
        {
            // Read before looking at the outbox, so an event recorded meanwhile still wakes the wait.
            var recorded = outbox.NextEventRecorded;
            DateTimeOffset wakeAt;
            try
            {
                // One event a claim: its lease covers the one attempt that follows. The rest of a
                // batch claimed together would wait behind slow attempts until their leases ran
                // out, and another replica would claim and send them while this one still did.
                var due = await outbox.ClaimDueAsync(time.GetUtcNow(), lease, 1, stoppingToken);
                if (due.Count == 1)
                {
                    await DeliverAsync(client, due[0], stoppingToken);
                    continue;
                }

                var next = await outbox.NextAttemptAtAsync(stoppingToken);
                var poll = time.GetUtcNow() + _webhook.PollInterval;
                wakeAt = next is null || next > poll ? poll : next.Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The webhook outbox could not be read; trying again in {PollInterval}", _webhook.PollInterval);
                wakeAt = time.GetUtcNow() + _webhook.PollInterval;
            }

            await WaitAsync(recorded, wakeAt, stoppingToken);
        }

        logger.LogInformation("Webhook delivery stopped");
    }

    private async Task DeliverAsync(HttpClient client, TicketEvent e, CancellationToken stoppingToken)
    {
        var attempt = e.Attempts + 1;
        string error;
        try
        {
            using var request = Request(e);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
            if (response.IsSuccessStatusCode)
            {
                // Recorded even while stopping: a delivered event must not be sent again.
                await outbox.RecordDeliveredAsync(e.Id, attempt, time.GetUtcNow(), CancellationToken.None);
                logger.LogInformation(
                    "Webhook event {EventId} ({EventType}, ticket {TicketNumber}) delivered on attempt {Attempt} with {StatusCode}",
                    e.Id, e.Type, e.TicketNumber, attempt, (int)response.StatusCode);
                return;
            }

            error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        }
        catch (HttpRequestException ex)
        {
            error = ex.Message;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            error = $"no answer within {_webhook.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }

        var now = time.GetUtcNow();
        if (attempt >= _webhook.MaxAttempts)
        {
            await outbox.RecordFailedAsync(e.Id, attempt, error, retryAt: null, now, CancellationToken.None);
            logger.LogError(
                "Webhook event {EventId} ({EventType}, ticket {TicketNumber}) is dead after {Attempt} attempts: {Error}",
                e.Id, e.Type, e.TicketNumber, attempt, error);
            return;
        }

        var delay = WebhookBackoff.Delay(attempt, _webhook.FirstRetryDelay, _webhook.MaxRetryDelay, Random.Shared.NextDouble());
        await outbox.RecordFailedAsync(e.Id, attempt, error, now + delay, now, CancellationToken.None);
        logger.LogWarning(
            "Webhook event {EventId} ({EventType}, ticket {TicketNumber}) failed on attempt {Attempt} of {MaxAttempts}: {Error}; retrying in {RetryDelay}",
            e.Id, e.Type, e.TicketNumber, attempt, _webhook.MaxAttempts, error, delay);
    }

    private HttpRequestMessage Request(TicketEvent e)
    {
        var body = Encoding.UTF8.GetBytes(e.Payload);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, _webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Add(WebhookSignature.EventIdHeader, e.Id);
        request.Headers.Add(WebhookSignature.EventTypeHeader, e.Type);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_webhook.Secret, timestamp, body));
        return request;
    }

    /// <summary>Until <paramref name="wakeAt"/> on the host's clock, or until a new event is recorded.</summary>
    private async Task WaitAsync(Task recorded, DateTimeOffset wakeAt, CancellationToken stoppingToken)
    {
        var wait = wakeAt - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, time, waiting.Token);

        // A timer counts from when it is armed: if the clock reached wakeAt between the reading
        // above and arming it (a descheduled thread, a test's clock moved on), waiting the whole
        // span again would sleep past the due time, on a fake clock for ever.
        if (time.GetUtcNow() < wakeAt)
        {
            await Task.WhenAny(recorded, delay);
        }

        await waiting.CancelAsync();
    }
}
