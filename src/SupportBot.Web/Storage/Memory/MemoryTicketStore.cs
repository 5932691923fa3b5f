using SupportBot.Bot.Tickets;
namespace SupportBot.Web.Storage.Memory;

/// <summary>Tickets and their outbox in memory, lost on restart: for tests and <c>Storage:Provider=Memory</c>.</summary>
public sealed class MemoryTicketStore(TimeProvider? time = null) : ITicketStore, ITicketOutbox
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly List<(long Sequence, Ticket Ticket, IReadOnlyList<TranscriptLine> Transcript)> _tickets = [];
    private readonly List<TicketEvent> _events = [];
    private readonly EventSignal _signal = new();

    public Task NextEventRecorded => _signal.Next;

    public Task<Ticket> CreateAsync(NewTicket ticket, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(ticket);
        Ticket created;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var sequence = _tickets.Count + 1L;
            created = TicketRules.Open(TicketNumber.Format(sequence), ticket, now);
            _tickets.Add((sequence, created, [.. ticket.Transcript]));
            _events.Add(TicketEvents.New(TicketEvents.Created, created, null, now));
        }

        _signal.Notify();
        return Task.FromResult(created);
    }

    public Task<Ticket?> FindAsync(string number, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(IndexOf(number) is { } index ? _tickets[index].Ticket : null);
        }
    }

    public Task<IReadOnlyList<TranscriptLine>?> FindTranscriptAsync(string number, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(IndexOf(number) is { } index ? _tickets[index].Transcript : null);
        }
    }

    public Task<TicketPage> ListAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        var before = TicketRules.CursorSequence(query.Cursor);
        var limit = TicketRules.Limit(query);
        lock (_lock)
        {
            var matching = _tickets
                .Where(t => TicketRules.Matches(t.Ticket, query))
                .OrderByDescending(t => t.Sequence)
                .ToList();
            var page = matching.Where(t => before is null || t.Sequence < before).Take(limit + 1).ToList();
            var items = page.Take(limit).Select(t => t.Ticket).ToList();
            return Task.FromResult(new TicketPage(items, matching.Count, page.Count > limit ? items[^1].Number : null));
        }
    }

    public Task<RecentTickets> CountCreatedSinceAsync(TicketRequester requester, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var created = _tickets
                .Select(t => t.Ticket)
                .Where(t => t.CreatedAt >= since && TicketRules.SameUser(t.Requester, requester))
                .Select(t => t.CreatedAt)
                .ToList();
            return Task.FromResult(new RecentTickets(created.Count, created.Count == 0 ? null : created.Min()));
        }
    }

    public Task<Ticket?> UpdateAsync(string number, TicketChange change, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(change);
        Ticket? updated;
        var recorded = false;
        lock (_lock)
        {
            if (IndexOf(number) is not { } index)
            {
                return Task.FromResult<Ticket?>(null);
            }

            var now = _time.GetUtcNow();
            var (sequence, before, transcript) = _tickets[index];
            updated = TicketRules.Apply(before, change, now);
            var changes = TicketEvents.Changes(before, updated);
            if (changes.Count == 0)
            {
                updated = before;
            }
            else
            {
                _tickets[index] = (sequence, updated, transcript);
                _events.Add(TicketEvents.New(TicketEvents.Updated, updated, changes, now));
                recorded = true;
            }
        }

        if (recorded)
        {
            _signal.Notify();
        }

        return Task.FromResult<Ticket?>(updated);
    }

    public Task<IReadOnlyList<TicketEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
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
        lock (_lock)
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
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<TicketEvent>>(
                _events.Where(e => e.State == state).Reverse().Take(limit).ToList());
        }
    }

    public Task<long> CountEventsAsync(string state, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<long>(_events.Count(e => e.State == state));
        }
    }

    private Task Change(string eventId, Func<TicketEvent, TicketEvent> change)
    {
        lock (_lock)
        {
            var index = _events.FindIndex(e => e.Id == eventId);
            if (index >= 0)
            {
                _events[index] = change(_events[index]);
            }
        }

        return Task.CompletedTask;
    }

    private int? IndexOf(string number) =>
        TicketNumber.TryParse(number, out var sequence) && sequence <= _tickets.Count ? (int)(sequence - 1) : null;
}
