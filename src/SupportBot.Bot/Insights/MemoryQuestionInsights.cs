namespace SupportBot.Bot.Insights;

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

    public Task<IReadOnlyList<AskedQuestion>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<AskedQuestion> list = _questions.Values
                .Where(q => q.AskedAt >= from && q.AskedAt < to)
                .OrderBy(q => q.AskedAt).ThenBy(q => q.Id, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            return Task.FromResult(list);
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
}
