using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Telemetry;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Telemetry;

namespace SupportBot.Web.HelpDesk.Webhooks;

/// <summary>
/// The outbox's backlog in the metrics (<c>supportbot.webhook.events</c>, pending and dead): counted
/// every <c>Telemetry:Metrics:BacklogInterval</c> in the background, so a scrape never waits for
/// the database.
/// </summary>
public sealed class WebhookBacklogGauge : BackgroundService
{
    private static readonly string[] States = [TicketEventState.Pending, TicketEventState.Dead];

    private readonly ITicketOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<WebhookBacklogGauge> _logger;
    private readonly long[] _counts = new long[States.Length];
    private volatile bool _counted;

    public WebhookBacklogGauge(ITicketOutbox outbox, BotTelemetry telemetry, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<WebhookBacklogGauge> logger)
    {
        _outbox = outbox;
        _time = time;
        _interval = options.Value.Metrics.BacklogInterval;
        _logger = logger;
        telemetry.Meter.CreateObservableGauge("supportbot.webhook.events", Observe, "{event}", "Ticket webhook events waiting in the outbox (pending) or given up on (dead).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                for (var i = 0; i < States.Length; i++)
                {
                    Interlocked.Exchange(ref _counts[i], await _outbox.CountEventsAsync(States[i], stoppingToken));
                }

                _counted = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "The webhook outbox could not be counted for the metrics");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        if (!_counted)
        {
            yield break;
        }

        for (var i = 0; i < States.Length; i++)
        {
            yield return new Measurement<long>(Interlocked.Read(ref _counts[i]), new KeyValuePair<string, object?>("state", States[i]));
        }
    }
}
