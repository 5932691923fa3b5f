using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Shows "typing..." when a turn takes longer than a person would notice, and keeps it up until the
/// turn ends. Replaces the SDK's ShowTypingMiddleware, which throws and catches a cancellation on
/// every turn (a measurable share of a fast turn) and fails turns when two of one conversation
/// overlap; and which is pointless for expectReplies, where every reply arrives at once.
/// Typing stops at the turn's first message: an indicator and the turn's replies go out one at a
/// time, so none can arrive after the answer and leave "typing..." showing under it.
/// </summary>
public sealed class TypingIndicatorMiddleware(TimeSpan delay, TimeSpan period) : IMiddleware
{
    public TypingIndicatorMiddleware()
        : this(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2))
    {
    }

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        if (turnContext.Activity.Type != ActivityTypes.Message || turnContext.Activity.DeliveryMode == DeliveryModes.ExpectReplies)
        {
            await next(cancellationToken);
            return;
        }

        using var turnOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Not disposed: the adapter's error handler may still send on this turn after it ends here
        // (and a SemaphoreSlim whose wait handle is never used holds nothing to release).
        var sending = new SemaphoreSlim(1, 1);
        var replied = false;
        turnContext.OnSendActivities(async (_, activities, nextSend) =>
        {
            await sending.WaitAsync(CancellationToken.None);
            try
            {
                replied |= activities.Exists(a => a.Type == ActivityTypes.Message);
                return await nextSend();
            }
            finally
            {
                sending.Release();
            }
        });
        var typing = ShowTypingAsync(turnContext, sending, () => replied, turnOver.Token);
        try
        {
            await next(cancellationToken);
        }
        finally
        {
            await turnOver.CancelAsync();
            await typing;
        }
    }

    private async Task ShowTypingAsync(ITurnContext turnContext, SemaphoreSlim sending, Func<bool> replied, CancellationToken turnOver)
    {
        var wait = delay;
        while (true)
        {
            // Cancelled without an exception: the usual case is a turn that ends before the delay.
            await Task.Delay(wait, turnOver).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (turnOver.IsCancellationRequested)
            {
                return;
            }

            var indicator = turnContext.Activity.CreateReply();
            indicator.Type = ActivityTypes.Typing;
            indicator.Text = null;
            await sending.WaitAsync(CancellationToken.None);
            try
            {
                if (turnOver.IsCancellationRequested || replied())
                {
                    return;
                }

                // Straight to the channel: a typing indicator is not part of the transcript.
                await turnContext.Adapter.SendActivitiesAsync(turnContext, [indicator], CancellationToken.None);
            }
            catch (Exception) when (!turnOver.IsCancellationRequested)
            {
                // A channel that cannot show typing must not fail the turn.
                return;
            }
            finally
            {
                sending.Release();
            }

            wait = period;
        }
    }
}
