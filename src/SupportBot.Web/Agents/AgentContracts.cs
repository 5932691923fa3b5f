using System.Text.Json;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Agents;

/// <summary>A handoff as the agent API shows it: the contract fields, then the times and outcome (never the stored conversation reference).</summary>
public sealed record HandoffView(
    string Id,
    string Status,
    string ChannelId,
    string ConversationId,
    string? UserName,
    DateTimeOffset WaitingSince,
    string? Agent,
    IReadOnlyList<TicketQuestion> Questions,
    string Language,
    int? Place,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    int? Satisfaction)
{
    public static HandoffView From(Handoff handoff, int? place = null) => new(
        handoff.Id,
        handoff.Status,
        handoff.ChannelId,
        handoff.ConversationId,
        handoff.UserName,
        handoff.WaitingSince,
        handoff.Agent,
        handoff.Questions,
        handoff.Language,
        place,
        handoff.AcceptedAt,
        handoff.EndedAt,
        handoff.EndReason,
        handoff.Satisfaction);
}

/// <summary>A handoff's activities after a watermark (Bot Framework activities), the watermark to read from next, and the handoff's status now.</summary>
public sealed record HandoffActivitiesView(IReadOnlyList<JsonElement> Activities, string Watermark, string Status);

/// <summary>The body of <c>PUT /api/v1/agents/me/presence</c>.</summary>
public sealed record PresenceChange(string Status);

/// <summary>An agent's presence as others see it: <c>offline</c> once not heard from for <c>HelpDesk:PresenceTimeout</c>.</summary>
public sealed record PresenceView(string Agent, string Status, DateTimeOffset? LastSeen);

/// <summary>The body of <c>POST /api/v1/handoffs/{id}/activities</c>: a message with its text, or a typing indicator.</summary>
public sealed record AgentActivity(string Type, string? Text);

/// <summary>The optional body of <c>POST /api/v1/handoffs/{id}/end</c>: <c>completed</c> (default) or <c>transferred</c> (back to the bot).</summary>
public sealed record HandoffEnd(string? Reason);

/// <summary>An FAQ answer suggested for the user's last message, best first (agent assist).</summary>
public sealed record AgentSuggestion(string Id, string Question, string Category, double Score, string Answer);

/// <summary>The suggestions for a handoff and the user text they were ranked for (null when the user has said nothing yet).</summary>
public sealed record AgentSuggestions(string? For, IReadOnlyList<AgentSuggestion> Answers);

/// <summary>One message of the conversation before and during the handoff, for the console (the transcript store's, with the bot's answers).</summary>
public sealed record ConversationLine(DateTimeOffset? Timestamp, string Role, string? Name, string Text);
