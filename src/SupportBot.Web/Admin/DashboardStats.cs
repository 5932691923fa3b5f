using System.Globalization;
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
    IReadOnlyList<EntryCount> TopEntries)
{
    public const int TopEntryCount = 10;

    /// <summary>Counts the questions of the window [<paramref name="from"/>, <paramref name="from"/> + <paramref name="days"/> days).</summary>
    public static DashboardStats Compute(IReadOnlyList<AskedQuestion> questions, DateTimeOffset from, int days, KnowledgeBase knowledgeBase)
    {
        var perDay = Enumerable.Range(0, days).Select(d => from.AddDays(d)).Select(day =>
        {
            var asked = questions.Where(q => q.AskedAt >= day && q.AskedAt < day.AddDays(1)).ToList();
            return new DayCount(
                day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                asked.Select(q => q.ConversationId).Distinct(StringComparer.Ordinal).Count(),
                asked.Count);
        }).ToList();

        var outcomes = QuestionOutcomes.All
            .Select(outcome => (outcome, count: questions.Count(q => q.Outcome == outcome)))
            .Select(o => new OutcomeCount(o.outcome, o.count, Rate(o.count, questions.Count)))
            .ToList();

        var helpful = questions.Count(q => q.Feedback == QuestionFeedback.Helpful);
        var unhelpful = questions.Count(q => q.Feedback == QuestionFeedback.Unhelpful);

        var topEntries = questions
            .Where(q => q.EntryId is not null)
            .GroupBy(q => q.EntryId!)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(TopEntryCount)
            .Select(g => new EntryCount(g.Key, knowledgeBase.Find(g.Key)?.Question ?? g.Key, g.Count()))
            .ToList();

        return new DashboardStats(
            from,
            from.AddDays(days),
            questions.Count,
            questions.Select(q => q.ConversationId).Distinct(StringComparer.Ordinal).Count(),
            perDay,
            outcomes,
            new FeedbackCount(helpful, unhelpful, helpful + unhelpful == 0 ? null : Rate(helpful, helpful + unhelpful)),
            topEntries);
    }

    private static double Rate(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}

/// <summary>One UTC day: the conversations with a question that day, and the questions.</summary>
public sealed record DayCount(string Date, int Conversations, int Questions);

/// <summary>How many questions ended in an outcome, and their share of all questions (0 to 1).</summary>
public sealed record OutcomeCount(string Outcome, int Count, double Rate);

/// <summary>The answers to "Did this answer your question?"; the helpful rate is null before any.</summary>
public sealed record FeedbackCount(int Helpful, int Unhelpful, double? HelpfulRate);

/// <summary>An FAQ entry and how many questions it answered.</summary>
public sealed record EntryCount(string Id, string Question, int Count);
