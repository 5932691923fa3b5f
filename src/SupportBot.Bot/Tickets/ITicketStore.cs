namespace SupportBot.Bot.Tickets;

/// <summary>
/// Where tickets live. Every change that creates or updates a ticket also records its webhook
/// event in the outbox (<see cref="ITicketOutbox"/>), in the same transaction, so that no change
/// is ever committed without its event, nor an event without its change.
/// </summary>
public interface ITicketStore
{
    /// <summary>Stores a new open ticket with the next number, and its <c>ticket.created</c> event.</summary>
    Task<Ticket> CreateAsync(NewTicket ticket, CancellationToken cancellationToken = default);

    /// <summary>The ticket with that number; null when there is none (or the number is not one).</summary>
    Task<Ticket?> FindAsync(string number, CancellationToken cancellationToken = default);

    /// <summary>The transcript saved with the ticket, in conversation order; null when there is no such ticket.</summary>
    Task<IReadOnlyList<TranscriptLine>?> FindTranscriptAsync(string number, CancellationToken cancellationToken = default);

    /// <summary>The tickets that match, newest first. A cursor that is not a ticket number is an <see cref="ArgumentException"/>.</summary>
    Task<TicketPage> ListAsync(TicketQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many tickets the requester's user (its conversation when it names no user) on its
    /// channel created at or after <paramref name="since"/>, and when the oldest of them was: the
    /// handoff's limit per user.
    /// </summary>
    Task<RecentTickets> CountCreatedSinceAsync(TicketRequester requester, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Applies the change and, when it changed anything, records a <c>ticket.updated</c> event; null when there is no such ticket.</summary>
    Task<Ticket?> UpdateAsync(string number, TicketChange change, CancellationToken cancellationToken = default);
}

/// <summary>
/// The webhook events waiting to be delivered, kept with the tickets so that they survive a
/// crash or a restart: at least once, each with an id a receiver de-duplicates by.
/// </summary>
public interface ITicketOutbox
{
    /// <summary>Completes when an event is recorded after this property was read (in this process).</summary>
    Task NextEventRecorded { get; }

    /// <summary>
    /// Pending events whose next attempt is due at <paramref name="now"/>, oldest first, each held
    /// back from other claims until <paramref name="now"/> + <paramref name="lease"/>: a dispatcher
    /// that dies while sending leaves the event to be sent again once the lease ends.
    /// </summary>
    Task<IReadOnlyList<TicketEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default);

    /// <summary>When the next pending event is due; null when none is pending.</summary>
    Task<DateTimeOffset?> NextAttemptAtAsync(CancellationToken cancellationToken = default);

    Task RecordDeliveredAsync(string eventId, int attempts, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or dead (given up, kept to be seen) when it is null.</summary>
    Task RecordFailedAsync(string eventId, int attempts, string error, DateTimeOffset? retryAt, DateTimeOffset failedAt, CancellationToken cancellationToken = default);

    /// <summary>Events in one <see cref="TicketEventState"/>, newest first.</summary>
    Task<IReadOnlyList<TicketEvent>> ListEventsAsync(string state, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many events are in one <see cref="TicketEventState"/> (the backlog, for the metrics).</summary>
    Task<long> CountEventsAsync(string state, CancellationToken cancellationToken = default);
}
