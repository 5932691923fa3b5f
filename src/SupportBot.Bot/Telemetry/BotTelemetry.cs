using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SupportBot.Bot.Telemetry;

/// <summary>
/// The bot's metrics and spans, through System.Diagnostics only: the host chooses the exporters
/// (Prometheus, OTLP, none), so the bot never depends on one.
/// </summary>
public sealed class BotTelemetry
{
    /// <summary>The name of the bot's meter and activity source, for exporters to subscribe to.</summary>
    public const string Name = "SupportBot";

    /// <summary>The spans of turns and rankings; a no-op until a listener (an exporter) subscribes.</summary>
    public static readonly ActivitySource Source = new(Name);

    // Turns of a person at a chat pace take seconds at most; the long tail shows a stuck store.
    private static readonly double[] TurnBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    // One ranking is tens to hundreds of microseconds on a warm model.
    private static readonly double[] RankingBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

    private readonly Counter<long> _turns;
    private readonly Histogram<double> _turnDuration;
    private readonly Histogram<double> _rankingDuration;

    public BotTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        _turns = Meter.CreateCounter<long>("supportbot.turns", "{turn}", "Turns the bot finished, by what it did with the message (outcome) and channel.");
        _turnDuration = Meter.CreateHistogram(
            "supportbot.turn.duration", "s", "Time from a turn's start to its end, waiting for the conversation's earlier turn included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TurnBuckets });
        _rankingDuration = Meter.CreateHistogram(
            "supportbot.ranking.duration", "s", "Time the classifier took to rank the intents of one utterance.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RankingBuckets });
    }

    /// <summary>The meter the host adds its own instruments to (connections, backlogs), so that one name covers all.</summary>
    public Meter Meter { get; }

    public void TurnEnded(string outcome, string? channel, TimeSpan duration)
    {
        var tags = new TagList { { "outcome", outcome }, { "channel", channel ?? "unknown" } };
        _turns.Add(1, tags);
        _turnDuration.Record(duration.TotalSeconds, tags);
    }

    public void Ranked(TimeSpan duration) => _rankingDuration.Record(duration.TotalSeconds);
}
