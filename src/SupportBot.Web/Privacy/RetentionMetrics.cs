using System.Diagnostics;
using System.Diagnostics.Metrics;
using SupportBot.Bot.Telemetry;

namespace SupportBot.Web.Privacy;

/// <summary>What the retention sweep deleted, by kind, on the bot's meter (exported on /metrics).</summary>
public static class RetentionMetrics
{
    public const string DeletedName = "supportbot.privacy.retention.deleted";

    private static readonly Meter Meter = new(BotTelemetry.Name);

    private static readonly Counter<long> Deleted = Meter.CreateCounter<long>(
        DeletedName, "{row}", "Rows deleted by the retention sweep because they outlived their retention, by kind.");

    public static void RowsDeleted(RetentionKind kind, int count) =>
        Deleted.Add(count, new TagList { { "kind", kind.ToString().ToLowerInvariant() } });
}
