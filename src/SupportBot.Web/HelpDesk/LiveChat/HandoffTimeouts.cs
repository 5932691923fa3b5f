using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;

namespace SupportBot.Web.HelpDesk.LiveChat;

/// <summary>
/// Ends the waits nobody accepted within <c>HelpDesk:MaxWait</c> (reason timed-out) and hands each
/// user to the ticket flow (<see cref="IHandoffRelay.TimedOutAsync"/>), every <see cref="Interval"/>.
/// Every replica sweeps; the store's end is atomic, so only the replica whose end changed the
/// handoff tells the user, once.
/// </summary>
public sealed class HandoffTimeouts(
    IHandoffStore store,
    IHandoffRelay relay,
    IOptions<LiveChatOptions> options,
    TimeProvider time,
    ILogger<HandoffTimeouts> logger) : BackgroundService
{
    /// <summary>How often the queue is looked at: a wait ends at most this long after MaxWait.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Waits ended per sweep; more are left for the next one.</summary>
    public const int BatchSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One sweep: returns how many waits this replica ended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var ended = 0;
        try
        {
            var now = time.GetUtcNow();
            var overdue = await store.ListWaitingSinceAsync(now - options.Value.MaxWait, BatchSize, cancellationToken);
            foreach (var handoff in overdue)
            {
                var change = await store.EndAsync(handoff.Id, HandoffEndReason.TimedOut, agent: null, now, cancellationToken);
                if (change.Result != HandoffChangeResult.Changed)
                {
                    // Accepted, cancelled or timed out by another replica meanwhile.
                    continue;
                }

                ended++;
                logger.LogInformation(
                    "Handoff {HandoffId} of conversation {ConversationId} on {ChannelId} timed out after {MaxWait}: the user is offered a ticket",
                    handoff.Id, handoff.ConversationId, handoff.ChannelId, options.Value.MaxWait);
                try
                {
                    await relay.TimedOutAsync(change.Handoff!, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Ended all the same: the user's next message finds it ended and is an ordinary turn.
                    logger.LogError(ex, "Could not tell conversation {ConversationId} that handoff {HandoffId} timed out", handoff.ConversationId, handoff.Id);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The handoff queue could not be swept for timed-out waits; trying again in {Interval}", Interval);
        }

        return ended;
    }
}
