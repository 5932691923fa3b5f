using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Agents;

/// <summary>
/// What an agent does with handoffs, for the agent API and the console alike: presence (computed
/// on read: silent for <c>HelpDesk:PresenceTimeout</c> is offline), the queue, accept, the long
/// poll of a handoff's log, and end. The store changes first (atomically, so two agents cannot
/// both win); the bot's side (<see cref="IHandoffRelay"/>) then tells the user.
/// </summary>
public sealed class AgentDesk(
    IHandoffStore store,
    IConversationNotifier notifier,
    IServiceProvider services,
    IOptions<LiveChatOptions> liveChat,
    TimeProvider time,
    ILogger<AgentDesk> logger)
{
    /// <summary>The most activities one read returns; the next read continues from its watermark.</summary>
    public const int MaxActivities = 200;

    public IHandoffStore Store => store;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// The bot's side, resolved per call: it lives in the bot's registrations, and a host without
    /// it (the agent side alone) still serves the queue; null then.
    /// </summary>
    public IHandoffRelay? Relay => services.GetService<IHandoffRelay>();

    public async Task<PresenceView> PresenceAsync(string agent, CancellationToken cancellationToken)
    {
        var presence = (await store.ListPresenceAsync(cancellationToken)).FirstOrDefault(p => p.Agent == agent);
        return new PresenceView(agent, EffectiveStatus(presence, Now, liveChat.Value.PresenceTimeout), presence?.LastSeen);
    }

    /// <summary>The status an agent has now: as set, unless not heard from for <paramref name="timeout"/> (then offline).</summary>
    public static string EffectiveStatus(AgentPresence? presence, DateTimeOffset now, TimeSpan timeout) =>
        presence is null || now - presence.LastSeen >= timeout ? AgentStatus.Offline : presence.Status;

    public async Task<PresenceView> SetPresenceAsync(string agent, string status, CancellationToken cancellationToken)
    {
        await store.SetPresenceAsync(agent, status, Now, cancellationToken);
        logger.LogInformation("Agent {Agent} is {Presence}", agent, status);
        return await PresenceAsync(agent, cancellationToken);
    }

    public Task TouchAsync(string agent, CancellationToken cancellationToken) => store.TouchPresenceAsync(agent, Now, cancellationToken);

    public async Task<IReadOnlyList<HandoffView>> ListAsync(string status, int limit, CancellationToken cancellationToken)
    {
        var handoffs = await store.ListAsync(status, limit, cancellationToken);

        // The list is the queue's order: a waiting handoff's place is its position.
        return handoffs.Select((h, i) => HandoffView.From(h, status == HandoffStatus.Waiting ? i + 1 : null)).ToList();
    }

    /// <summary>Takes a waiting handoff; accepting one already held by the same agent is a no-op that answers it again.</summary>
    public async Task<HandoffChange> AcceptAsync(string id, string agent, CancellationToken cancellationToken)
    {
        var change = await store.AcceptAsync(id, agent, Now, cancellationToken);
        if (change.Result == HandoffChangeResult.NotOpen && change.Handoff is { Status: HandoffStatus.Active } held && held.Agent == agent)
        {
            return change with { Result = HandoffChangeResult.Changed };
        }

        if (change.Result == HandoffChangeResult.Changed)
        {
            logger.LogInformation("Agent {Agent} accepted handoff {HandoffId} of a {ChannelId} conversation", agent, id, change.Handoff!.ChannelId);
            await TellAsync(r => r.AcceptedAsync(change.Handoff, cancellationToken), "accepted", id);
        }

        return change;
    }

    /// <summary>Ends an active handoff the agent holds; the bot takes the conversation over again.</summary>
    public async Task<HandoffChange> EndAsync(string id, string agent, string reason, CancellationToken cancellationToken)
    {
        var change = await store.EndAsync(id, reason, agent, Now, cancellationToken);
        if (change.Result == HandoffChangeResult.Changed)
        {
            logger.LogInformation("Agent {Agent} ended handoff {HandoffId}: {EndReason}", agent, id, reason);
            await TellAsync(r => r.EndedAsync(change.Handoff!, cancellationToken), "ended", id);
        }

        return change;
    }

    /// <summary>
    /// The log after <paramref name="after"/>; with nothing new, waits up to <paramref name="wait"/>
    /// for an append (or a change of the handoff's status) before answering, so that a message
    /// reaches the agent as soon as it is stored. Subscribed before reading: nothing is missed in between.
    /// </summary>
    public async Task<HandoffActivitiesView> ReadAsync(Handoff handoff, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var activities = notifier.Subscribe(HandoffNotifications.Activities(handoff.Id));
        using var queue = notifier.Subscribe(HandoffNotifications.Queue);
        var read = await store.ReadAsync(handoff.Id, after, MaxActivities, cancellationToken);
        var status = handoff.Status;
        if (read.Activities.Count == 0 && wait > TimeSpan.Zero && status != HandoffStatus.Ended)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(wait);
            try
            {
                while (read.Activities.Count == 0)
                {
                    var woken = await Task.WhenAny(
                        activities.Watermarks.WaitToReadAsync(deadline.Token).AsTask(),
                        queue.Watermarks.WaitToReadAsync(deadline.Token).AsTask());
                    await woken;  // throws when the wait is over
                    Drain(activities);
                    Drain(queue);
                    read = await store.ReadAsync(handoff.Id, after, MaxActivities, cancellationToken);
                    var now = await store.FindAsync(handoff.Id, cancellationToken);
                    if (now is not null && now.Status != status)
                    {
                        status = now.Status;
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The wait is over with nothing new: an empty answer, the client asks again.
            }
            catch (SubscriberTooSlowException)
            {
                // Dropped for falling behind: the store has what was missed.
                read = await store.ReadAsync(handoff.Id, after, MaxActivities, cancellationToken);
            }
        }

        return new HandoffActivitiesView(
            read.Activities.Select(a => Parse(a.ActivityJson)).ToList(),
            read.Watermark.ToString(System.Globalization.CultureInfo.InvariantCulture),
            status);
    }

    private static void Drain(IConversationSubscription subscription)
    {
        while (subscription.Watermarks.TryRead(out _))
        {
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private async Task TellAsync(Func<IHandoffRelay, Task> tell, string what, string id)
    {
        if (Relay is not { } relay)
        {
            logger.LogWarning("Handoff {HandoffId} {Change}, but no bot relay is registered to tell the user", id, what);
            return;
        }

        await tell(relay);
    }
}
