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
    string? ReviewedAs = null);

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

/// <summary>
/// Where asked questions are kept. Small on purpose: the dashboard computes its numbers from
/// <see cref="ListAsync"/>, so another provider (PostgreSQL) only has to store and filter rows.
/// </summary>
public interface IQuestionInsights
{
    /// <summary>
    /// Inserts the questions, or for an id already stored updates what a later turn can change
    /// (outcome, entry, feedback); the time, text and review of a stored question stay.
    /// </summary>
    Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default);

    /// <summary>The questions asked in [<paramref name="from"/>, <paramref name="to"/>), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AskedQuestion>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records what an admin assigned these questions to; unknown ids are ignored. Returns how many were stored.</summary>
    Task<int> ReviewAsync(IReadOnlyCollection<string> ids, string reviewedAs, CancellationToken cancellationToken = default);
}
