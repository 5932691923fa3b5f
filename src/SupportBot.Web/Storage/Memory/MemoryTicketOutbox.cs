using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage.Memory;

/// <summary>The webhook outbox in memory, lost on restart: the events <see cref="MemoryTicketStore"/> records with each ticket change.</summary>
public sealed class MemoryTicketOutbox : ITicketOutbox
{
    private readonly List<TicketEvent> _events = [];
    private readonly EventSignal _signal = new();

    /// <summary>The lock of the events, which the ticket store holds while it changes a ticket and records its event, so both happen together.</summary>
    internal Lock Gate { get; } = new();

    public Task NextEventRecorded => _signal.Next;

    /// <summary>Records a ticket change's event; the caller holds <see cref="Gate"/>, then calls <see cref="Recorded"/> once it let go.</summary>
    internal void Record(TicketEvent e) => _events.Add(e);

    /// <summary>Wakes the dispatcher: an event was recorded.</summary>
    internal void Recorded() => _signal.Notify();

    public Task<IReadOnlyList<TicketEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default)
    {
        lock (Gate)
        {
            var due = _events
                .Select((e, index) => (Event: e, Index: index))
                .Where(e => e.Event.State == TicketEventState.Pending && e.Event.NextAttemptAt <= now)
                .OrderBy(e => e.Event.NextAttemptAt).ThenBy(e => e.Index)
                .Take(limit)
                .ToList();
            foreach (var (e, index) in due)
            {
                _events[index] = e with { NextAttemptAt = now + lease };
            }

            return Task.FromResult<IReadOnlyList<TicketEvent>>(due.Select(e => e.Event).ToList());
        }
    }

    public Task<DateTimeOffset?> NextAttemptAtAsync(CancellationToken cancellationToken = default)
    {
        lock (Gate)
        {
            var pending = _events.Where(e => e.State == TicketEventState.Pending).ToList();
            return Task.FromResult(pending.Count == 0 ? (DateTimeOffset?)null : pending.Min(e => e.NextAttemptAt));
        }
    }

    public Task RecordDeliveredAsync(string eventId, int attempts, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default) =>
        Change(eventId, e => e with { Attempts = attempts, DeliveredAt = deliveredAt, LastError = null });

    public Task RecordFailedAsync(string eventId, int attempts, string error, DateTimeOffset? retryAt, DateTimeOffset failedAt, CancellationToken cancellationToken = default) =>
        Change(eventId, e => retryAt is { } next
            ? e with { Attempts = attempts, LastError = error, NextAttemptAt = next }
            : e with { Attempts = attempts, LastError = error, DeadAt = failedAt });

    public Task<IReadOnlyList<TicketEvent>> ListEventsAsync(string state, int limit, CancellationToken cancellationToken = default)
    {
        lock (Gate)
        {
            return Task.FromResult<IReadOnlyList<TicketEvent>>(
                _events.Where(e => e.State == state).Reverse().Take(limit).ToList());
        }
    }

    public Task<long> CountEventsAsync(string state, CancellationToken cancellationToken = default)
    {
        lock (Gate)
        {
            return Task.FromResult<long>(_events.Count(e => e.State == state));
        }
    }

    private Task Change(string eventId, Func<TicketEvent, TicketEvent> change)
    {
        lock (Gate)
        {
            var index = _events.FindIndex(e => e.Id == eventId);
            if (index >= 0)
            {
                _events[index] = change(_events[index]);
            }
        }

        return Task.CompletedTask;
    }

    // Retention (docs/privacy.md): kept apart at the end of the class.

    /// <summary>Deletes at most <paramref name="limit"/> events delivered before <paramref name="cutoff"/>; pending and dead ones stay.</summary>
    internal int DeleteDeliveredBefore(DateTimeOffset cutoff, int limit)
    {
        lock (Gate)
        {
            return RemoveEvents(e => e.DeliveredAt < cutoff, limit);
        }
    }

    /// <summary>Whether any event of ticket <paramref name="number"/> is undelivered (pending or dead); the caller holds <see cref="Gate"/>.</summary>
    internal bool HasUndelivered(string number) => _events.Any(e => e.TicketNumber == number && e.DeliveredAt is null);

    /// <summary>Deletes at most <paramref name="limit"/> events of ticket <paramref name="number"/>; the caller holds <see cref="Gate"/>.</summary>
    internal int DeleteEventsOf(string number, int limit) => RemoveEvents(e => e.TicketNumber == number, limit);

    /// <summary>Whether ticket <paramref name="number"/> has any event left; the caller holds <see cref="Gate"/>.</summary>
    internal bool HasEvents(string number) => _events.Any(e => e.TicketNumber == number);

    private int RemoveEvents(Func<TicketEvent, bool> match, int limit)
    {
        var removed = 0;
        _events.RemoveAll(e => removed < limit && match(e) && ++removed > 0);
        return removed;
    }
}
