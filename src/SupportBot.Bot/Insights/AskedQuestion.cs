namespace SupportBot.Bot.Insights;

/// <summary>
/// One question a user asked and what became of it: the row the admin dashboard counts, charts
/// and reviews. Feedback and review are filled in later, on the same row.
/// </summary>
/// <param name="Id">Chosen by the bot when the question is asked; later changes to the question use it.</param>
/// <param name="Language">The channel's locale (e.g. <c>en-US</c>) when it sent one.</param>
/// <param name="Outcome">One of <see cref="QuestionOutcomes"/>.</param>
/// <param name="EntryId">The FAQ entry answered, when the bot answered one.</param>
/// <param name="Score">The classifier's probability for its top intent.</param>
/// <param name="ClosestEntryId">The FAQ entry the classifier ranked highest, whatever the outcome.</param>
/// <param name="Feedback">One of <see cref="QuestionFeedback"/>, or null when the user said nothing.</param>
/// <param name="ReviewedAs">What an admin assigned the question to: an FAQ entry id or <c>out-of-scope</c>.</param>
/// <param name="ChannelId">The channel the question came in on (<c>msteams</c>, <c>directline</c>, <c>kakao</c> ...); null for rows logged before channels were.</param>
public sealed record AskedQuestion(
    string Id,
    string ConversationId,
    DateTimeOffset AskedAt,
    string Text,
    string? Language,
    string Outcome,
    string? EntryId,
    double Score,
    string? ClosestEntryId,
    string? Feedback = null,
    string? ReviewedAs = null,
    string? ChannelId = null);

/// <summary>What the bot did with a question (the answers contract's names, and a request for a person).</summary>
public static class QuestionOutcomes
{
    public const string Answer = "answer";
    public const string Clarify = "clarify";
    public const string Fallback = "fallback";
    public const string SmallTalk = "small-talk";
    public const string Handoff = "handoff";

    public static IReadOnlyList<string> All { get; } = [Answer, Clarify, Fallback, SmallTalk, Handoff];
}

/// <summary>The user's answer to "Did this answer your question?".</summary>
public static class QuestionFeedback
{
    public const string Helpful = "helpful";
    public const string Unhelpful = "unhelpful";
}

/// <summary>Which questions of a window a page lists.</summary>
public enum QuestionFilter
{
    /// <summary>Every question.</summary>
    All,

    /// <summary>Not reviewed yet, and not answered (fallback) or answered but unhelpful: the dashboard's review list.</summary>
    NeedsReview,

    /// <summary>Assigned by an admin to an entry or out of scope.</summary>
    Reviewed,
}

/// <summary>A page of the questions asked in [<paramref name="From"/>, <paramref name="To"/>), oldest first: <paramref name="Limit"/> questions after the first <paramref name="Offset"/>.</summary>
public sealed record QuestionQuery(DateTimeOffset From, DateTimeOffset To, QuestionFilter Filter, int Offset, int Limit);

/// <summary>A page of questions and how many the whole query matches.</summary>
public sealed record QuestionPage(IReadOnlyList<AskedQuestion> Questions, int Total);

/// <summary>The questions of a UTC day: how many, and in how many conversations.</summary>
public sealed record QuestionDay(DateOnly Date, int Questions, int Conversations);

/// <summary>How many questions an FAQ entry answered.</summary>
public sealed record EntryTally(string EntryId, int Count);

/// <summary>The questions that came in on a channel, and in how many conversations; a null channel counts the rows logged before channels were.</summary>
public sealed record ChannelTally(string? ChannelId, int Questions, int Conversations);

/// <summary>
/// The dashboard's numbers for a window, counted by the store (a database counts them where the
/// rows are): totals, the days that had questions, the questions per outcome, the feedback, the
/// entries answered most (most first, ties in ordinal order of the id), and the questions per
/// channel (in no particular order).
/// </summary>
public sealed record QuestionStats(
    int Questions,
    int Conversations,
    IReadOnlyList<QuestionDay> Days,
    IReadOnlyDictionary<string, int> Outcomes,
    int Helpful,
    int Unhelpful,
    IReadOnlyList<EntryTally> TopEntries,
    IReadOnlyList<ChannelTally> Channels);

/// <summary>
/// Where asked questions are kept. The dashboard reads counts (<see cref="StatsAsync"/>) and pages
/// (<see cref="PageAsync"/>), never a whole window of question texts.
/// </summary>
public interface IQuestionInsights
{
    /// <summary>
    /// Inserts the questions, or for an id already stored updates what a later turn can change
    /// (outcome, entry, feedback); the time, text, channel and review of a stored question stay.
    /// </summary>
    Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default);

    /// <summary>The questions of a query's window that pass its filter, oldest first (then by id), one page of them.</summary>
    Task<QuestionPage> PageAsync(QuestionQuery query, CancellationToken cancellationToken = default);

    /// <summary>The stored questions among <paramref name="ids"/> (unknown ids are left out), in no particular order.</summary>
    Task<IReadOnlyList<AskedQuestion>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>The counts of the questions asked in [<paramref name="from"/>, <paramref name="to"/>), with the <paramref name="topEntries"/> entries answered most.</summary>
    Task<QuestionStats> StatsAsync(DateTimeOffset from, DateTimeOffset to, int topEntries, CancellationToken cancellationToken = default);

    /// <summary>Records what an admin assigned these questions to; unknown ids are ignored. Returns how many were stored.</summary>
    Task<int> ReviewAsync(IReadOnlyCollection<string> ids, string reviewedAs, CancellationToken cancellationToken = default);
}

/// <summary>Reads of <see cref="IQuestionInsights"/> made of its pages.</summary>
public static class QuestionInsightsExtensions
{
    /// <summary>The questions asked in [<paramref name="from"/>, <paramref name="to"/>), oldest first, at most <paramref name="limit"/> (tests and tools; the dashboard pages).</summary>
    public static async Task<IReadOnlyList<AskedQuestion>> ListAsync(
        this IQuestionInsights insights, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        (await insights.PageAsync(new QuestionQuery(from, to, QuestionFilter.All, 0, limit), cancellationToken)).Questions;

    /// <summary>Every question of the query's window that passes its filter, read a page of <paramref name="pageSize"/> at a time.</summary>
    public static async IAsyncEnumerable<AskedQuestion> EnumerateAsync(
        this IQuestionInsights insights, DateTimeOffset from, DateTimeOffset to, QuestionFilter filter, int pageSize)
    {
        for (var offset = 0; ; offset += pageSize)
        {
            var page = await insights.PageAsync(new QuestionQuery(from, to, filter, offset, pageSize));
            foreach (var question in page.Questions)
            {
                yield return question;
            }

            if (page.Questions.Count < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Whether a question is one the review list shows (<see cref="QuestionFilter.NeedsReview"/>).</summary>
    public static bool NeedsReview(this AskedQuestion question) =>
        question.ReviewedAs is null
        && (question.Outcome == QuestionOutcomes.Fallback || question.Feedback == QuestionFeedback.Unhelpful);
}
