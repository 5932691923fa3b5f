namespace SupportBot.Bot.Handoffs;

/// <summary>The dashboard's live-handoff figures over a window, computed from its handoffs.</summary>
/// <param name="Satisfaction">The mean score of the rated handoffs; null when none was rated.</param>
public sealed record HandoffStats(
    IReadOnlyList<HandoffDay> PerDay,
    TimeSpan? MedianWait,
    TimeSpan? MedianHandling,
    int Abandoned,
    double? Satisfaction,
    int Rated)
{
    public static HandoffStats Of(IEnumerable<Handoff> handoffs)
    {
        var list = handoffs.ToList();
        var perDay = list
            .GroupBy(h => DateOnly.FromDateTime(h.WaitingSince.UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(g => new HandoffDay(g.Key, g.Count()))
            .ToList();
        var waits = list.Where(h => h.AcceptedAt is not null).Select(h => h.AcceptedAt!.Value - h.WaitingSince);
        var handling = list.Where(h => h.AcceptedAt is not null && h.EndedAt is not null).Select(h => h.EndedAt!.Value - h.AcceptedAt!.Value);
        var rated = list.Where(h => h.Satisfaction is not null).Select(h => h.Satisfaction!.Value).ToList();
        return new HandoffStats(
            perDay,
            Median(waits),
            Median(handling),
            list.Count(h => h.Status == HandoffStatus.Ended && HandoffEndReason.IsAbandoned(h.EndReason)),
            rated.Count > 0 ? rated.Average() : null,
            rated.Count);
    }

    private static TimeSpan? Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>How many handoffs were queued on one (UTC) day.</summary>
public sealed record HandoffDay(DateOnly Day, int Handoffs);
