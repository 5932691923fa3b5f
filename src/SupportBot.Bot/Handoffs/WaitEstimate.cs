namespace SupportBot.Bot.Handoffs;

/// <summary>
/// The wait a user is told before joining the queue: the median wait of the handoffs accepted in
/// the last <see cref="Window"/>, once for each round of the online agents the queue ahead takes
/// (place 1 to n with n agents online: one median; n+1 to 2n: two), in whole minutes, at least one.
/// None when no handoff was accepted in the window: the bot then says it cannot tell.
/// </summary>
public static class WaitEstimate
{
    /// <summary>How far back accepted handoffs count: recent enough to reflect today's staffing.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    /// <param name="place">The place the user would take in the queue (1: first).</param>
    /// <param name="onlineAgents">Agents online now (at least 1 when live chat is offered).</param>
    /// <param name="recent">The handoffs queued within <see cref="Window"/>.</param>
    public static int? Minutes(int place, int onlineAgents, IEnumerable<Handoff> recent)
    {
        var median = HandoffStats.Of(recent).MedianWait;
        if (median is null)
        {
            return null;
        }

        var rounds = (place + Math.Max(onlineAgents, 1) - 1) / Math.Max(onlineAgents, 1);
        return Math.Max(1, (int)Math.Ceiling((median.Value * rounds).TotalMinutes));
    }

    /// <summary>The estimate for a user about to join the queue, from the store.</summary>
    public static async Task<int?> MinutesAsync(IHandoffStore store, int onlineAgents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var waiting = await store.ListAsync(HandoffStatus.Waiting, 1000, cancellationToken);
        var recent = await store.ListQueuedSinceAsync(now - Window, cancellationToken);
        return Minutes(waiting.Count + 1, onlineAgents, recent);
    }
}
