using SupportBot.Bot.Insights;
namespace SupportBot.Web.Storage.Memory;

/// <summary>Asked questions in memory, for <c>Storage:Provider</c> = <c>Memory</c> and tests; lost on restart.</summary>
public sealed class MemoryQuestionInsights : IQuestionInsights
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AskedQuestion> _questions = new(StringComparer.Ordinal);

    public Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var question in questions)
            {
                _questions[question.Id] = _questions.TryGetValue(question.Id, out var stored)
                    ? stored with { Outcome = question.Outcome, EntryId = question.EntryId, Feedback = question.Feedback }
                    : question with { ReviewedAs = null };
            }
        }

        return Task.CompletedTask;
    }

    public Task<QuestionPage> PageAsync(QuestionQuery query, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var matching = InWindow(query.From, query.To)
                .Where(q => query.Filter switch
                {
                    QuestionFilter.NeedsReview => q.NeedsReview(),
                    QuestionFilter.Reviewed => q.ReviewedAs is not null,
                    _ => true,
                })
                .OrderBy(q => q.AskedAt).ThenBy(q => q.Id, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(new QuestionPage(matching.Skip(query.Offset).Take(query.Limit).ToList(), matching.Count));
        }
    }

    public Task<IReadOnlyList<AskedQuestion>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<AskedQuestion> found = ids.Distinct(StringComparer.Ordinal)
                .Select(id => _questions.GetValueOrDefault(id))
                .OfType<AskedQuestion>()
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<QuestionStats> StatsAsync(DateTimeOffset from, DateTimeOffset to, int topEntries, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var questions = InWindow(from, to).ToList();
            var days = questions
                .GroupBy(q => DateOnly.FromDateTime(q.AskedAt.UtcDateTime))
                .OrderBy(d => d.Key)
                .Select(d => new QuestionDay(d.Key, d.Count(), d.Select(q => q.ConversationId).Distinct(StringComparer.Ordinal).Count()))
                .ToList();
            var top = questions
                .Where(q => q.EntryId is not null)
                .GroupBy(q => q.EntryId!, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(topEntries)
                .Select(g => new EntryTally(g.Key, g.Count()))
                .ToList();
            var channels = questions
                .GroupBy(q => q.ChannelId ?? string.Empty, StringComparer.Ordinal)
                .Select(g => new ChannelTally(g.First().ChannelId, g.Count(), g.Select(q => q.ConversationId).Distinct(StringComparer.Ordinal).Count()))
                .ToList();
            return Task.FromResult(new QuestionStats(
                questions.Count,
                questions.Select(q => q.ConversationId).Distinct(StringComparer.Ordinal).Count(),
                days,
                questions.GroupBy(q => q.Outcome, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                questions.Count(q => q.Feedback == QuestionFeedback.Helpful),
                questions.Count(q => q.Feedback == QuestionFeedback.Unhelpful),
                top,
                channels));
        }
    }

    public Task<int> ReviewAsync(IReadOnlyCollection<string> ids, string reviewedAs, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var reviewed = 0;
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (_questions.TryGetValue(id, out var stored))
                {
                    _questions[id] = stored with { ReviewedAs = reviewedAs };
                    reviewed++;
                }
            }

            return Task.FromResult(reviewed);
        }
    }

    private IEnumerable<AskedQuestion> InWindow(DateTimeOffset from, DateTimeOffset to) =>
        _questions.Values.Where(q => q.AskedAt >= from && q.AskedAt < to);

    // Retention (docs/privacy.md): kept apart at the end of the class.

    /// <summary>Deletes at most <paramref name="limit"/> questions asked before <paramref name="cutoff"/>.</summary>
    internal int DeleteAskedBefore(DateTimeOffset cutoff, int limit)
    {
        lock (_lock)
        {
            var expired = _questions.Values.Where(q => q.AskedAt < cutoff).Take(limit).Select(q => q.Id).ToList();
            expired.ForEach(id => _questions.Remove(id));
            return expired.Count;
        }
    }

    // Erasure (IUserDataEraser).

    /// <summary>Removes the questions asked in these conversations; how many.</summary>
    internal int EraseConversations(IReadOnlySet<string> conversationIds)
    {
        lock (_lock)
        {
            var erased = _questions.Values.Where(q => conversationIds.Contains(q.ConversationId)).Select(q => q.Id).ToList();
            foreach (var id in erased)
            {
                _questions.Remove(id);
            }

            return erased.Count;
        }
    }

    // The Conversations view's search (MemoryConversationSearch).

    /// <summary>Every stored question, at this moment.</summary>
    internal IReadOnlyList<AskedQuestion> Snapshot()
    {
        lock (_lock)
        {
            return [.. _questions.Values];
        }
    }
}
