using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Memory;

/// <summary>
/// Retention over the memory stores. The SDK's <c>MemoryStorage</c> and <c>MemoryTranscriptStore</c>
/// record no time of write, so state and transcripts are not aged here: they go at restart.
/// </summary>
public sealed class MemoryRetention(
    MemoryQuestionInsights questions,
    MemoryDirectLineStore directLine,
    MemoryTicketStore tickets,
    MemoryTicketOutbox outbox,
    MemoryHandoffStore handoffs) : IRetentionStore
{
    private static readonly IReadOnlySet<RetentionKind> Aged = new HashSet<RetentionKind>
    {
        RetentionKind.DirectLine, RetentionKind.Questions, RetentionKind.Tickets, RetentionKind.Outbox, RetentionKind.Handoffs,
    };

    public IReadOnlySet<RetentionKind> Kinds => Aged;

    public Task<int> DeleteOlderThanAsync(RetentionKind kind, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return Task.FromResult(kind switch
        {
            RetentionKind.Questions => questions.DeleteAskedBefore(cutoff, batchSize),
            RetentionKind.DirectLine => directLine.DeleteStartedBefore(cutoff, batchSize),
            RetentionKind.Tickets => tickets.DeleteChangedBefore(cutoff, batchSize),
            RetentionKind.Outbox => outbox.DeleteDeliveredBefore(cutoff, batchSize),
            RetentionKind.Handoffs => handoffs.DeleteEndedBefore(cutoff, batchSize),
            _ => throw new NotSupportedException($"The memory provider does not age {kind}."),
        });
    }
}
