using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage.Memory;

/// <summary>Tickets in memory, lost on restart: for tests and <c>Storage:Provider=Memory</c>; their events go to a <see cref="MemoryTicketOutbox"/> under its lock, with the change.</summary>
public sealed class MemoryTicketStore(MemoryTicketOutbox outbox, TimeProvider? time = null) : ITicketStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = outbox.Gate;
    private readonly List<(long Sequence, Ticket Ticket, IReadOnlyList<TranscriptLine> Transcript)> _tickets = [];
    private long _lastSequence;

    /// <summary>Tickets with an outbox of their own (for the bot's tests, which read no events).</summary>
    public MemoryTicketStore(TimeProvider? time = null)
        : this(new MemoryTicketOutbox(), time)
    {
    }

    public Task<Ticket> CreateAsync(NewTicket ticket, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(ticket);
        Ticket created;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            // Never reused, even after retention deleted older tickets, as on the databases.
            var sequence = ++_lastSequence;
            created = TicketRules.Open(TicketNumber.Format(sequence), ticket, now);
            _tickets.Add((sequence, created, [.. ticket.Transcript]));
            outbox.Record(TicketEvents.New(TicketEvents.Created, created, null, now));
        }

        outbox.Recorded();
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
                outbox.Record(TicketEvents.New(TicketEvents.Updated, updated, changes, now));
                recorded = true;
            }
        }

        if (recorded)
        {
            outbox.Recorded();
        }

        return Task.FromResult<Ticket?>(updated);
    }

    private int? IndexOf(string number) =>
        TicketNumber.TryParse(number, out var sequence) && _tickets.FindIndex(t => t.Sequence == sequence) is >= 0 and var index ? index : null;

    // Retention (docs/privacy.md): kept apart at the end of the class.

    /// <summary>
    /// Deletes at most <paramref name="limit"/> rows: tickets last changed before <paramref name="cutoff"/>
    /// with every event delivered, and those events; returns how many rows went.
    /// </summary>
    internal int DeleteChangedBefore(DateTimeOffset cutoff, int limit)
    {
        lock (_lock)
        {
            var rows = 0;
            var expired = _tickets.Where(t => t.Ticket.UpdatedAt < cutoff && !outbox.HasUndelivered(t.Ticket.Number)).ToList();
            foreach (var ticket in expired.TakeWhile(_ => rows < limit))
            {
                rows += outbox.DeleteEventsOf(ticket.Ticket.Number, limit - rows);
                if (rows < limit && !outbox.HasEvents(ticket.Ticket.Number))
                {
                    _tickets.Remove(ticket);
                    rows++;
                }
            }

            return rows;
        }
    }

    // Erasure (IUserDataEraser): the user's tickets keep their number, status, reason, assignee and times.

    /// <summary>The conversations the user opened tickets from.</summary>
    internal IReadOnlyList<string> ConversationsOf(string channelId, string userId)
    {
        lock (_lock)
        {
            return _tickets.Where(t => IsOf(t.Ticket, channelId, userId)).Select(t => t.Ticket.Requester.ConversationId).ToList();
        }
    }

    /// <summary>Blanks the email, summary, questions, transcript and user of the user's tickets; how many.</summary>
    internal int Anonymise(string channelId, string userId)
    {
        lock (_lock)
        {
            var anonymised = 0;
            for (var i = 0; i < _tickets.Count; i++)
            {
                var (sequence, ticket, _) = _tickets[i];
                if (IsOf(ticket, channelId, userId))
                {
                    var erased = ticket with
                    {
                        Email = Privacy.UserErasureRules.ErasedEmail,
                        Summary = null,
                        Requester = ticket.Requester with { UserId = null, UserName = null },
                        Questions = [],
                    };
                    _tickets[i] = (sequence, erased, []);
                    anonymised++;
                }
            }

            return anonymised;
        }
    }

    private static bool IsOf(Ticket ticket, string channelId, string userId) =>
        ticket.Requester.ChannelId == channelId && ticket.Requester.UserId == userId;

    // The Conversations view's search (MemoryConversationSearch).

    /// <summary>Each ticket's number and the conversation it came from.</summary>
    internal IReadOnlyList<(long Sequence, TicketRequester Requester)> Requesters()
    {
        lock (_lock)
        {
            return _tickets.Select(t => (t.Sequence, t.Ticket.Requester)).ToList();
        }
    }
}
