namespace SupportBot.Bot.Tickets;

/// <summary>A request for a person, made by the bot's handoff: who to reply to, why, and what the bot tried first.</summary>
/// <remarks>The transcript is read apart (<see cref="ITicketStore.FindTranscriptAsync"/>): lists never need it.</remarks>
public sealed record Ticket(
    string Number,
    string Status,
    string? Assignee,
    string Email,
    string? Summary,
    string Reason,
    TicketRequester Requester,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TicketQuestion> Questions);

/// <summary>Where the ticket came from: the channel, the conversation and the user in it.</summary>
public sealed record TicketRequester(string ChannelId, string ConversationId, string? UserId, string? UserName);

/// <summary>How many tickets a user created in a window, and when the oldest of them was (null when none).</summary>
public sealed record RecentTickets(int Count, DateTimeOffset? OldestCreatedAt);

/// <summary>One question the user asked before the handoff: what the bot did with it (the outcome and FAQ entry) and what the user said of the answer.</summary>
public sealed record TicketQuestion(string Text, string Outcome, string? EntryId, string? Feedback);

/// <summary>One message of the conversation as an agent reads it.</summary>
public sealed record TranscriptLine(DateTimeOffset Timestamp, string Role, string? Name, string Text);

/// <summary>What the handoff dialog knows when it creates a ticket; the store adds the number, status and times.</summary>
public sealed record NewTicket(
    string Email,
    string? Summary,
    string Reason,
    TicketRequester Requester,
    IReadOnlyList<TicketQuestion> Questions,
    IReadOnlyList<TranscriptLine> Transcript);

/// <summary>A change from the help desk: a new status, and or a new assignee (null unassigns) when <see cref="SetsAssignee"/>.</summary>
public sealed record TicketChange(string? Status, bool SetsAssignee, string? Assignee)
{
    public static TicketChange ToStatus(string status) => new(status, false, null);

    public static TicketChange AssignTo(string? assignee) => new(null, true, assignee);
}

/// <summary>Which tickets to list: every filter is optional; newest first, <see cref="Limit"/> at a time, after the cursor's ticket.</summary>
public sealed record TicketQuery(
    string? Status = null,
    string? Assignee = null,
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    int Limit = TicketQuery.DefaultLimit,
    string? Cursor = null)
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;
}

/// <summary>One page of tickets, how many match in all, and the cursor of the next page (null on the last).</summary>
public sealed record TicketPage(IReadOnlyList<Ticket> Items, int Total, string? NextCursor);

/// <summary>The statuses a ticket moves through: open (new, for an agent), pending (waiting for the user), solved.</summary>
public static class TicketStatus
{
    public const string Open = "open";
    public const string Pending = "pending";
    public const string Solved = "solved";

    public static readonly IReadOnlyList<string> All = [Open, Pending, Solved];

    /// <summary>The status named, in any case; null when it is not one.</summary>
    public static string? Parse(string? text) =>
        All.FirstOrDefault(s => string.Equals(s, text?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Why the bot offered the handoff.</summary>
public static class HandoffReason
{
    public const string Requested = "requested";
    public const string NotHelped = "not-helped";
    public const string Fallbacks = "fallbacks";
}
