using SupportBot.Bot.Tickets;

namespace SupportBot.Web.HelpDesk;

/// <summary>A page of tickets, newest first: <c>total</c> counts every match, <c>next</c> is the next page's link (null on the last).</summary>
public sealed record TicketList(IReadOnlyList<TicketView> Items, int Total, int Limit, string? Next);

/// <summary>A PATCH body: a new status (open, pending, solved) and or an assignee (null unassigns); at least one of the two.</summary>
public sealed record TicketPatch(string? Status, string? Assignee);

/// <summary>FAQ answers an agent can send: the ticket's questions ranked as <c>POST /api/v1/answers</c> ranks them, best first.</summary>
public sealed record TicketSuggestions(string Ticket, IReadOnlyList<string> Questions, IReadOnlyList<TicketSuggestion> Matches);

/// <summary>One FAQ entry for the agent: which of the ticket's questions it answers best, and whether the bot already gave it in the conversation.</summary>
public sealed record TicketSuggestion(
    string Id,
    string Question,
    string Category,
    float Score,
    string Answer,
    string ForQuestion,
    bool AlreadyAnswered);

/// <summary>A webhook event in the outbox and how its delivery went.</summary>
public sealed record WebhookEventView(
    string Id,
    string Type,
    string Ticket,
    string State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? DeadAt,
    string? LastError)
{
    public static WebhookEventView From(TicketEvent e) =>
        new(e.Id, e.Type, e.TicketNumber, e.State, e.Attempts, e.CreatedAt, e.NextAttemptAt, e.DeliveredAt, e.DeadAt, e.LastError);
}
