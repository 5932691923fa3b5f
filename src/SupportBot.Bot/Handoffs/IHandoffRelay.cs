using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// What the agent side asks of the bot once the store has changed a handoff: each runs a turn in
/// the user's own conversation (continue-conversation with the stored reference), so it reaches
/// the user on any channel, is in the transcript and keeps the conversation's state consistent.
/// </summary>
public interface IHandoffRelay
{
    /// <summary>Tells the user the agent joined (by name) and sends <c>handoff.status</c> accepted.</summary>
    Task AcceptedAsync(Handoff handoff, CancellationToken cancellationToken = default);

    /// <summary>Sends the agent's message or typing indicator to the user, marked as the agent's, and appends it to the handoff's log.</summary>
    Task SendFromAgentAsync(Handoff handoff, Activity activity, CancellationToken cancellationToken = default);

    /// <summary>The bot takes over again: a short line in the user's language, the satisfaction question, <c>handoff.status</c> completed.</summary>
    Task EndedAsync(Handoff handoff, CancellationToken cancellationToken = default);

    /// <summary>Nobody accepted in time: the user is told and offered today's ticket flow; <c>handoff.status</c> failed.</summary>
    Task TimedOutAsync(Handoff handoff, CancellationToken cancellationToken = default);
}
