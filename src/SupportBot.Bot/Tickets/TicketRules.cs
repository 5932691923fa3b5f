namespace SupportBot.Bot.Tickets;

/// <summary>What every ticket store checks and does alike: valid input, a new ticket's defaults, a change, a filter, a page size.</summary>
public static class TicketRules
{
    public const int MaxAssigneeLength = 100;

    public static void Validate(NewTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentException.ThrowIfNullOrWhiteSpace(ticket.Email);
        ArgumentException.ThrowIfNullOrWhiteSpace(ticket.Reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(ticket.Requester.ChannelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ticket.Requester.ConversationId);
    }

    public static void Validate(TicketChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Status is not null && TicketStatus.Parse(change.Status) != change.Status)
        {
            throw new ArgumentException($"'{change.Status}' is not a ticket status.", nameof(change));
        }

        if (change.SetsAssignee && change.Assignee is not null
            && (string.IsNullOrWhiteSpace(change.Assignee) || change.Assignee.Length > MaxAssigneeLength))
        {
            throw new ArgumentException($"An assignee is 1 to {MaxAssigneeLength} characters, or null for none.", nameof(change));
        }
    }

    public static Ticket Open(string number, NewTicket ticket, DateTimeOffset now) =>
        new(number, TicketStatus.Open, null, ticket.Email, ticket.Summary, ticket.Reason, ticket.Requester, now, now, [.. ticket.Questions]);

    public static Ticket Apply(Ticket ticket, TicketChange change, DateTimeOffset now) => ticket with
    {
        Status = change.Status ?? ticket.Status,
        Assignee = change.SetsAssignee ? change.Assignee : ticket.Assignee,
        UpdatedAt = now,
    };

    /// <summary>Created-from is inclusive, created-to exclusive; the assignee compares exactly.</summary>
    public static bool Matches(Ticket ticket, TicketQuery query) =>
        (query.Status is null || ticket.Status == query.Status)
        && (query.Assignee is null || string.Equals(ticket.Assignee, query.Assignee, StringComparison.Ordinal))
        && (query.CreatedFrom is null || ticket.CreatedAt >= query.CreatedFrom)
        && (query.CreatedTo is null || ticket.CreatedAt < query.CreatedTo);

    /// <summary>Who a requester is for the limit per user: its user id, or its conversation when the channel names no user.</summary>
    public static (string Column, string Id) UserKey(TicketRequester requester) =>
        string.IsNullOrEmpty(requester.UserId) ? ("conversation_id", requester.ConversationId) : ("user_id", requester.UserId);

    /// <summary>Whether two requesters are the same user by <see cref="UserKey"/>, on the same channel.</summary>
    public static bool SameUser(TicketRequester stored, TicketRequester requester)
    {
        var (column, id) = UserKey(requester);
        return stored.ChannelId == requester.ChannelId && (column == "user_id" ? stored.UserId : stored.ConversationId) == id;
    }

    public static int Limit(TicketQuery query) => Math.Clamp(query.Limit, 1, TicketQuery.MaxLimit);

    /// <summary>The page starts after the cursor's ticket (newest first: below its sequence).</summary>
    public static long? CursorSequence(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        return TicketNumber.TryParse(cursor, out var sequence)
            ? sequence
            : throw new ArgumentException($"'{cursor}' is not a cursor from a ticket list.", nameof(cursor));
    }
}
