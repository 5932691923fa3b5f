using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage.Memory;

/// <summary>The Conversations view's search over the memory provider's question log and tickets.</summary>
public sealed class MemoryConversationSearch(MemoryQuestionInsights questions, MemoryTicketStore tickets) : IConversationSearch
{
    public Task<ConversationSearchPage> SearchAsync(ConversationQuery query, CancellationToken cancellationToken = default)
    {
        var ticketOf = tickets.Requesters()
            .GroupBy(t => (t.Requester.ChannelId, t.Requester.ConversationId))
            .ToDictionary(g => g.Key, g => g.Select(t => t.Sequence).ToList());
        var wanted = query.TicketNumber is null ? (long?)null : TicketNumber.TryParse(query.TicketNumber, out var sequence) ? sequence : -1;
        var matching = questions.Snapshot()
            .Where(q => query.ChannelId is null || q.ChannelId == query.ChannelId)
            .GroupBy(q => (q.ChannelId, q.ConversationId))
            .Select(g => (Questions: g.ToList(), Tickets: g.Key.ChannelId is { } channel ? ticketOf.GetValueOrDefault((channel, g.Key.ConversationId)) ?? [] : []))
            .Where(c => Matches(c.Questions, c.Tickets, query, wanted))
            .Select(c => Summary(c.Questions, c.Tickets))
            .OrderByDescending(c => c.LastAskedAt)
            .ThenBy(c => c.ChannelId ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(c => c.ConversationId, StringComparer.Ordinal)
            .Skip(query.Offset)
            .Take(query.Limit + 1)
            .ToList();
        return Task.FromResult(new ConversationSearchPage(matching.Take(query.Limit).ToList(), matching.Count > query.Limit));
    }

    public Task<IReadOnlyList<AskedQuestion>> QuestionsAsync(string channelId, string conversationId, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<AskedQuestion> found = questions.Snapshot()
            .Where(q => q.ConversationId == conversationId && (q.ChannelId is null || q.ChannelId == channelId))
            .OrderBy(q => q.AskedAt).ThenBy(q => q.Id, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(found);
    }

    private static bool Matches(List<AskedQuestion> asked, List<long> ticketSequences, ConversationQuery query, long? wantedTicket) =>
        (string.IsNullOrEmpty(query.Text) || asked.Any(q => q.Text.Contains(query.Text, StringComparison.OrdinalIgnoreCase)))
        && (query.From is not { } from || asked.Max(q => q.AskedAt) >= from)
        && (query.To is not { } to || asked.Min(q => q.AskedAt) < to)
        && (query.Outcome is null || asked.Any(q => q.Outcome == query.Outcome))
        && query.Feedback switch
        {
            FeedbackFilter.Helpful => asked.Any(q => q.Feedback == QuestionFeedback.Helpful),
            FeedbackFilter.Unhelpful => asked.Any(q => q.Feedback == QuestionFeedback.Unhelpful),
            FeedbackFilter.None => asked.All(q => q.Feedback is not (QuestionFeedback.Helpful or QuestionFeedback.Unhelpful)),
            _ => true,
        }
        && query.Ticket switch
        {
            TicketFilter.With => ticketSequences.Count > 0,
            TicketFilter.Without => ticketSequences.Count == 0,
            _ => true,
        }
        && (wantedTicket is not { } number || ticketSequences.Contains(number));

    private static ConversationSummary Summary(List<AskedQuestion> asked, List<long> ticketSequences) => new(
        asked[0].ChannelId,
        asked[0].ConversationId,
        asked.Min(q => q.AskedAt),
        asked.Max(q => q.AskedAt),
        asked.Count,
        ConversationSearchRules.Outcomes(QuestionOutcomes.All.Select(o => asked.Count(q => q.Outcome == o)).ToList()),
        asked.Count(q => q.Feedback == QuestionFeedback.Helpful),
        asked.Count(q => q.Feedback == QuestionFeedback.Unhelpful),
        ticketSequences.Count == 0 ? null : TicketNumber.Format(ticketSequences.Max()));
}
