using System.Globalization;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Admin;

/// <summary>What <c>GET /admin/api/stats</c> returns: the charts' data for a window of whole UTC days.</summary>
public sealed record DashboardStats(
    DateTimeOffset From,
    DateTimeOffset To,
    int Questions,
    int Conversations,
    IReadOnlyList<DayCount> Days,
    IReadOnlyList<OutcomeCount> Outcomes,
    FeedbackCount Feedback,
    IReadOnlyList<EntryCount> TopEntries,
    IReadOnlyList<ChannelCount> Channels,
    HandoffFigures? Handoffs = null)
{
    /// <summary>How <see cref="Channels"/> names the questions logged before the channel was.</summary>
    public const string UnknownChannel = "unknown";

    public const int TopEntryCount = 10;

    /// <summary>The charts of the window [<paramref name="from"/>, <paramref name="from"/> + <paramref name="days"/> days), from the store's counts.</summary>
    /// <param name="handoffs">The live handoffs queued in the window, for <see cref="Handoffs"/>.</param>
    public static DashboardStats Of(QuestionStats counts, DateTimeOffset from, int days, KnowledgeBase knowledgeBase, IEnumerable<Handoff>? handoffs = null)
    {
        var counted = counts.Days.ToDictionary(d => d.Date);
        var perDay = Enumerable.Range(0, days).Select(d => DateOnly.FromDateTime(from.AddDays(d).UtcDateTime)).Select(day =>
            counted.TryGetValue(day, out var count)
                ? new DayCount(Format(day), count.Conversations, count.Questions)
                : new DayCount(Format(day), 0, 0)).ToList();

        var outcomes = QuestionOutcomes.All
            .Select(outcome => (outcome, count: counts.Outcomes.GetValueOrDefault(outcome)))
            .Select(o => new OutcomeCount(o.outcome, o.count, Rate(o.count, counts.Questions)))
            .ToList();

        var helpful = counts.Helpful;
        var unhelpful = counts.Unhelpful;
        var topEntries = counts.TopEntries
            .Select(e => new EntryCount(e.EntryId, knowledgeBase.Find(e.EntryId)?.Question ?? e.EntryId, e.Count))
            .ToList();
        var channels = counts.Channels
            .Select(c => new ChannelCount(c.ChannelId ?? UnknownChannel, c.Questions, c.Conversations, Rate(c.Questions, counts.Questions)))
            .OrderByDescending(c => c.Questions).ThenBy(c => c.Channel, StringComparer.Ordinal)
            .ToList();

        return new DashboardStats(
            from,
            from.AddDays(days),
            counts.Questions,
            counts.Conversations,
            perDay,
            outcomes,
            new FeedbackCount(helpful, unhelpful, helpful + unhelpful == 0 ? null : Rate(helpful, helpful + unhelpful)),
            topEntries,
            channels,
            HandoffFigures.Of(HandoffStats.Of(handoffs ?? []), from, days));
    }

    internal static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static double Rate(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}

/// <summary>One UTC day: the conversations with a question that day, and the questions.</summary>
public sealed record DayCount(string Date, int Conversations, int Questions);

/// <summary>How many questions ended in an outcome, and their share of all questions (0 to 1).</summary>
public sealed record OutcomeCount(string Outcome, int Count, double Rate);

/// <summary>The questions and conversations of a channel (<c>unknown</c> for rows older than the channel log), and its share of all questions (0 to 1).</summary>
public sealed record ChannelCount(string Channel, int Questions, int Conversations, double Share);

/// <summary>The answers to "Did this answer your question?"; the helpful rate is null before any.</summary>
public sealed record FeedbackCount(int Helpful, int Unhelpful, double? HelpfulRate);

/// <summary>An FAQ entry and how many questions it answered.</summary>
public sealed record EntryCount(string Id, string Question, int Count);

/// <summary>
/// The window's live handoffs: how many were queued each day, the median wait for an agent and
/// the median handling time (seconds; null before any), the waits abandoned (cancelled or timed
/// out), and the mean satisfaction (1 to 5; null before any rating) of the rated ones.
/// </summary>
public sealed record HandoffFigures(
    int Total,
    IReadOnlyList<HandoffDayCount> Days,
    double? MedianWaitSeconds,
    double? MedianHandlingSeconds,
    int Abandoned,
    double? Satisfaction,
    int Rated)
{
    public static HandoffFigures Of(HandoffStats stats, DateTimeOffset from, int days)
    {
        var counted = stats.PerDay.ToDictionary(d => d.Day, d => d.Handoffs);
        var perDay = Enumerable.Range(0, days)
            .Select(d => DateOnly.FromDateTime(from.AddDays(d).UtcDateTime))
            .Select(day => new HandoffDayCount(DashboardStats.Format(day), counted.GetValueOrDefault(day)))
            .ToList();
        return new HandoffFigures(
            stats.PerDay.Sum(d => d.Handoffs),
            perDay,
            stats.MedianWait?.TotalSeconds,
            stats.MedianHandling?.TotalSeconds,
            stats.Abandoned,
            stats.Satisfaction is { } score ? Math.Round(score, 2) : null,
            stats.Rated);
    }
}

/// <summary>How many live handoffs were queued on one UTC day.</summary>
public sealed record HandoffDayCount(string Date, int Handoffs);
