using System.Diagnostics;
using System.Diagnostics.Metrics;
using SupportBot.Bot.Telemetry;

namespace SupportBot.Web.Storage;

/// <summary>
/// The metrics of the stores written behind the turn. Static: those stores are made without
/// dependency injection (a database's transcripts and question log); the host's exporters
/// subscribe to the meter by its name, <see cref="BotTelemetry.Name"/>, as to BotTelemetry's.
/// </summary>
public static class StorageMetrics
{
    public const string DroppedName = "supportbot.storage.writes.dropped";

    private static readonly Meter Meter = new(BotTelemetry.Name);

    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>(
        DroppedName, "{item}", "Items written behind the turn (transcript activities, question insights) dropped after every attempt to write them failed, by store.");

    /// <summary>Counts <paramref name="count"/> items of <paramref name="store"/> (what they are, "question insights") as lost.</summary>
    public static void WritesDropped(string store, int count) => Dropped.Add(count, new TagList { { "store", store } });
}
