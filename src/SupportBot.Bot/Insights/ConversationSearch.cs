namespace SupportBot.Bot.Insights;

/// <summary>Which conversations a search keeps by the users' feedback on their answers.</summary>
public enum FeedbackFilter
{
    /// <summary>Whatever the feedback.</summary>
    Any,

    /// <summary>At least one answer was marked helpful.</summary>
    Helpful,

    /// <summary>At least one answer was marked not helpful.</summary>
    Unhelpful,

    /// <summary>No feedback at all.</summary>
    None,
}

/// <summary>Which conversations a search keeps by their tickets.</summary>
public enum TicketFilter
{
    /// <summary>With or without a ticket.</summary>
    Any,

    /// <summary>At least one ticket was created in the conversation.</summary>
    With,

    /// <summary>No ticket was created in it.</summary>
    Without,
}

/// <summary>
/// A search of the conversations in the question log, newest first (by their last question):
/// every condition given must hold. <paramref name="Text"/> matches a question's text as a
/// substring, case-insensitively (no wildcards: <c>%</c> and <c>_</c> are plain characters);
/// [<paramref name="From"/>, <paramref name="To"/>) keeps a conversation that had a question in it;
/// <paramref name="Outcome"/> is one of <see cref="QuestionOutcomes"/> that at least one of its
/// questions had; <paramref name="TicketNumber"/> keeps the conversation of that ticket.
/// </summary>
public sealed record ConversationQuery(
    string? Text = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? ChannelId = null,
    string? Outcome = null,
    FeedbackFilter Feedback = FeedbackFilter.Any,
    TicketFilter Ticket = TicketFilter.Any,
    string? TicketNumber = null,
    int Offset = 0,
    int Limit = 25);

/// <summary>
/// One conversation of a search: where, when its first and last questions were asked, how many it
/// had, their outcomes (each once, in <see cref="QuestionOutcomes.All"/>'s order), the feedback, and
/// its newest ticket's number (null when none).
/// </summary>
public sealed record ConversationSummary(
    string? ChannelId,
    string ConversationId,
    DateTimeOffset FirstAskedAt,
    DateTimeOffset LastAskedAt,
    int Questions,
    IReadOnlyList<string> Outcomes,
    int Helpful,
    int Unhelpful,
    string? TicketNumber);

/// <summary>A page of a search, and whether a further page has more.</summary>
public sealed record ConversationSearchPage(IReadOnlyList<ConversationSummary> Conversations, bool HasMore);

/// <summary>
/// The support team's look-up of conversations (the admin Conversations view): a search over the
/// question log and the tickets, and one conversation's logged questions. Each storage provider
/// answers it where its rows are.
/// </summary>
public interface IConversationSearch
{
    /// <summary>The page of conversations the query matches, newest first (then by channel and conversation id, ordinal).</summary>
    Task<ConversationSearchPage> SearchAsync(ConversationQuery query, CancellationToken cancellationToken = default);

    /// <summary>The questions logged in one conversation, oldest first (rows logged before channels were count for any channel).</summary>
    Task<IReadOnlyList<AskedQuestion>> QuestionsAsync(string channelId, string conversationId, CancellationToken cancellationToken = default);
}

/// <summary>The search's rules shared by every provider.</summary>
public static class ConversationSearchRules
{
    /// <summary>The outcomes a summary lists, in order, when its conversation had them (<paramref name="counts"/> per outcome of <see cref="QuestionOutcomes.All"/>).</summary>
    public static IReadOnlyList<string> Outcomes(IReadOnlyList<int> counts) =>
        QuestionOutcomes.All.Where((_, i) => counts[i] > 0).ToList();

    /// <summary>A LIKE pattern that finds <paramref name="text"/> anywhere, its own <c>%</c>, <c>_</c> and <c>\</c> escaped (with <c>ESCAPE '\'</c>).</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
