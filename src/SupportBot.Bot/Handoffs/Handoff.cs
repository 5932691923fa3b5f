using SupportBot.Bot.Tickets;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// A live handoff: a conversation waiting in the queue for an agent, held by one, or ended. The
/// store keeps it (and its activity log) so that it survives a restart and any replica can serve it.
/// </summary>
/// <param name="ConversationReference">The Bot Framework conversation reference as JSON, for continue-conversation (proactive messages).</param>
/// <param name="Language">The language the bot spoke when the user asked for a person ("en" or "ko").</param>
/// <param name="Questions">The user's question log when the handoff was queued: what an agent reads first.</param>
public sealed record Handoff(
    string Id,
    string Status,
    string ChannelId,
    string ConversationId,
    string? UserId,
    string? UserName,
    string Language,
    string ConversationReference,
    DateTimeOffset WaitingSince,
    IReadOnlyList<TicketQuestion> Questions,
    string? Agent = null,
    DateTimeOffset? AcceptedAt = null,
    DateTimeOffset? EndedAt = null,
    string? EndReason = null,
    int? Satisfaction = null);

/// <summary>What the bot knows when it queues a conversation; the store adds the id, the status and the time.</summary>
public sealed record NewHandoff(
    string ChannelId,
    string ConversationId,
    string? UserId,
    string? UserName,
    string Language,
    string ConversationReference,
    IReadOnlyList<TicketQuestion> Questions);

/// <summary>Where a handoff is.</summary>
public static class HandoffStatus
{
    public const string Waiting = "waiting";
    public const string Active = "active";
    public const string Ended = "ended";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Waiting, Active, Ended };
}

/// <summary>Why a handoff ended.</summary>
public static class HandoffEndReason
{
    /// <summary>The agent ended the conversation.</summary>
    public const string Completed = "completed";

    /// <summary>The agent gave the conversation back to the bot.</summary>
    public const string Transferred = "transferred";

    /// <summary>The user stopped waiting.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Nobody accepted within <c>HelpDesk:MaxWait</c>: the user was offered a ticket instead.</summary>
    public const string TimedOut = "timed-out";

    /// <summary>Ended without an agent ever taking it: the dashboard's abandoned waits.</summary>
    public static bool IsAbandoned(string? reason) => reason is Cancelled or TimedOut;
}

/// <summary>What a change of status did: <see cref="Handoff"/> is the handoff after it (null only when not found).</summary>
public sealed record HandoffChange(HandoffChangeResult Result, Handoff? Handoff);

public enum HandoffChangeResult
{
    Changed,
    NotFound,

    /// <summary>Another agent holds it (accept, post or end by someone else).</summary>
    HeldByAnother,

    /// <summary>It has ended (or, for an accept, is no longer waiting).</summary>
    NotOpen,
}

/// <summary>One activity of a handoff's log (the user's and the agent's messages and typing), as Bot Framework activity JSON.</summary>
public sealed record HandoffActivity(long Watermark, string ActivityJson);

/// <summary>The activities after a watermark, and the watermark to read from next time.</summary>
public sealed record HandoffActivities(IReadOnlyList<HandoffActivity> Activities, long Watermark);

/// <summary>An agent's presence as the agent last set it, and when the agent was last heard from.</summary>
public sealed record AgentPresence(string Agent, string Status, DateTimeOffset LastSeen);

/// <summary>The presence values an agent sets.</summary>
public static class AgentStatus
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Offline = "offline";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Online, Away, Offline };
}
