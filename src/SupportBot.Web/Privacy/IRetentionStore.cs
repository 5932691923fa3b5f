namespace SupportBot.Web.Privacy;

/// <summary>The kinds of personal data that expire, each with its own retention (<c>Privacy:Retention:*</c>).</summary>
public enum RetentionKind
{
    /// <summary>Transcript activities, by their timestamp.</summary>
    Transcripts,

    /// <summary>Self-hosted Direct Line conversations and their activities, by when the conversation started.</summary>
    DirectLine,

    /// <summary>The question log, by when the question was asked.</summary>
    Questions,

    /// <summary>Tickets, by their last change; a ticket with an undelivered webhook event stays.</summary>
    Tickets,

    /// <summary>Delivered webhook outbox rows, by delivery time; pending and dead rows are never deleted.</summary>
    Outbox,

    /// <summary>Conversation and user state (IStorage rows), by last write; kept as long as transcripts.</summary>
    State,

    /// <summary>Ended live handoffs and their activity logs, by when they ended; kept as long as transcripts. Open ones stay.</summary>
    Handoffs,
}

/// <summary>
/// Deletes expired rows of one kind, one small batch per call, so a sweep never holds a long
/// transaction against the turns. Every storage provider implements it (docs/privacy.md).
/// </summary>
public interface IRetentionStore
{
    /// <summary>The kinds this provider can age; the memory provider cannot age the SDK's memory state and transcripts.</summary>
    IReadOnlySet<RetentionKind> Kinds { get; }

    /// <summary>
    /// Deletes at most <paramref name="batchSize"/> rows (Direct Line: conversations) of
    /// <paramref name="kind"/> older than <paramref name="cutoff"/>; returns how many went. Zero
    /// when none is left, or when another replica holds the sweep (PostgreSQL).
    /// </summary>
    Task<int> DeleteOlderThanAsync(RetentionKind kind, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default);
}
