using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;
using SupportBot.Bot.Storage;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Runs a turn again, on freshly read state, when saving its state hit an ETag conflict: another
/// replica ran a turn of the same conversation meanwhile (<see cref="OneTurnAtATimeMiddleware"/>
/// only serialises turns within one host). Without it the conflict failed the turn and the error
/// handler cleared the conversation's state, losing both turns' updates.
/// </summary>
/// <remarks>
/// Placed last, right around the bot, so the transcript and the typing indicator see the turn
/// once. The retry answers again from the state the other turn left, and its state change is kept
/// with the other turn's. Replies of the losing attempt that were held for an expectReplies
/// response are withdrawn; replies already sent (a channel's reply POSTs, Direct Line) stay sent.
/// </remarks>
public sealed class StateConflictRetryMiddleware(ConversationState conversationState, UserState userState, ILogger logger) : IMiddleware
{
    /// <summary>Attempts in all; a conversation that conflicts this often is being hammered, and the error handler takes over.</summary>
    public const int MaxAttempts = 3;

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        // Replies to an "expectReplies" request are held until the turn ends: the ones of an
        // attempt that lost can still be withdrawn, so the caller gets only the retry's.
        var heldReplies = (turnContext as TurnContext)?.BufferedReplyActivities;
        var heldBefore = heldReplies?.Count ?? 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(cancellationToken);
                return;
            }
            catch (Exception ex) when (ETagConflictException.IsConflict(ex) && attempt < MaxAttempts)
            {
                heldReplies?.RemoveRange(heldBefore, heldReplies.Count - heldBefore);
                logger.LogWarning(
                    "State of conversation {ConversationId} changed during a turn (attempt {Attempt}); running the turn again on the new state",
                    turnContext.Activity.Conversation?.Id,
                    attempt);

                // Replace the cached state with what is stored now, so the next attempt starts from it.
                await conversationState.LoadAsync(turnContext, force: true, cancellationToken);
                await userState.LoadAsync(turnContext, force: true, cancellationToken);
            }
        }
    }
}
