using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Telemetry;
using SupportBot.Bot.Tickets;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// The user's turns while their conversation has an open live handoff. Waiting: each message goes
/// to the handoff's log and is answered with the user's place (not classified); "cancel" (any of
/// the bot's cancel words, or the Cancel button) leaves the queue and offers a ticket instead.
/// Held by an agent: the bot is silent, and the user's messages and typing go to the log for the
/// agent; "cancel" and "help" are messages to the agent too, since only the agent hands the
/// conversation back (the user is mid-conversation with a person, and a word the bot took for a
/// command would cut the agent off without a word).
/// </summary>
/// <remarks>
/// Conversations without the marker (<see cref="SupportDialogState.HandoffId"/>) never reach the
/// store; with it, the store decides: a handoff that ended meanwhile clears it and the turn is an ordinary one.
/// </remarks>
public sealed class LiveChatTurns(IHandoffStore store, HandoffLog log, TimeProvider time, ILogger<LiveChatTurns> logger)
{
    /// <summary>Whether the message belonged to the live handoff (and was handled); false: an ordinary turn.</summary>
    public async Task<bool> TakeMessageAsync(DialogTurn dialogs, bool isCancel, CancellationToken cancellationToken)
    {
        var handoff = await OpenHandoffAsync(dialogs, cancellationToken);
        if (handoff is null)
        {
            return false;
        }

        var turn = dialogs.Turn;
        TurnOutcome.Mark(turn, TurnOutcome.Handoff);
        if (handoff.Status == HandoffStatus.Waiting && isCancel)
        {
            await CancelAsync(dialogs, handoff, cancellationToken);
            return true;
        }

        await log.AppendFromUserAsync(handoff.Id, turn.Activity, cancellationToken);
        if (handoff.Status == HandoffStatus.Waiting)
        {
            var place = await store.PlaceAsync(handoff.Id, cancellationToken) ?? 1;
            await turn.SendActivityAsync(StillWaiting(dialogs.Texts, place), cancellationToken);
        }

        return true;
    }

    /// <summary>The user's typing indicator, for the agent of an open handoff; nothing otherwise.</summary>
    public async Task TakeTypingAsync(DialogTurn dialogs, CancellationToken cancellationToken)
    {
        if (await OpenHandoffAsync(dialogs, cancellationToken) is { Status: HandoffStatus.Active } handoff)
        {
            await log.AppendFromUserAsync(handoff.Id, dialogs.Turn.Activity, cancellationToken);
        }
    }

    /// <summary>"You're number 2 in the queue", with the button that leaves it.</summary>
    public static IMessageActivity Queued(BotTexts texts, int place) =>
        Replies.WithChoices(BotTexts.Format(texts.LiveChatQueued, place), [texts.CancelWait]);

    private static IMessageActivity StillWaiting(BotTexts texts, int place) =>
        Replies.WithChoices(BotTexts.Format(texts.LiveChatStillWaiting, place), [texts.CancelWait]);

    private async Task<Handoff?> OpenHandoffAsync(DialogTurn dialogs, CancellationToken cancellationToken)
    {
        if (dialogs.HandoffId is not { } id)
        {
            return null;
        }

        var handoff = await store.FindAsync(id, cancellationToken);
        if (handoff is null || handoff.Status == HandoffStatus.Ended)
        {
            // Ended while no turn of ours could say so (a replica stopped between the end and its relay turn).
            dialogs.HandoffId = null;
            return null;
        }

        return handoff;
    }

    private async Task CancelAsync(DialogTurn dialogs, Handoff handoff, CancellationToken cancellationToken)
    {
        var change = await store.EndAsync(handoff.Id, HandoffEndReason.Cancelled, agent: null, time.GetUtcNow(), cancellationToken);
        dialogs.HandoffId = null;
        logger.LogInformation(
            "Handoff {HandoffId} of conversation {ConversationId}: the user stopped waiting ({Result})",
            handoff.Id, handoff.ConversationId, change.Result);
        await dialogs.Turn.SendActivityAsync(Replies.Markdown(dialogs.Texts.LiveChatCancelled), cancellationToken);
        await dialogs.BeginAsync(HandoffDialog.DialogId, HandoffDialog.TicketArguments(HandoffReason.Requested), cancellationToken);
    }
}
