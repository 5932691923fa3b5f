namespace SupportBot.Bot.Handoffs;

/// <summary>
/// Where live handoffs, their activity logs and the agents' presence live, on every storage
/// provider. Changes of status are atomic (two agents accepting at once: one wins), so that
/// several replicas can serve the same queue.
/// </summary>
public interface IHandoffStore
{
    /// <summary>Queues the conversation; when it already has a waiting or active handoff, that one is returned and nothing is queued.</summary>
    Task<Handoff> QueueAsync(NewHandoff handoff, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<Handoff?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The conversation's waiting or active handoff; null when it has none.</summary>
    Task<Handoff?> FindOpenAsync(string channelId, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Handoffs in one <see cref="HandoffStatus"/>: waiting oldest first (the queue's order), active oldest accepted first, ended newest first.</summary>
    Task<IReadOnlyList<Handoff>> ListAsync(string status, int limit, CancellationToken cancellationToken = default);

    /// <summary>The 1-based place of a waiting handoff in the queue; null when it is not waiting.</summary>
    Task<int?> PlaceAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Gives a waiting handoff to the agent: <see cref="HandoffChangeResult.HeldByAnother"/> when another agent took it first, <see cref="HandoffChangeResult.NotOpen"/> when it ended.</summary>
    Task<HandoffChange> AcceptAsync(string id, string agent, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a waiting or active handoff with a <see cref="HandoffEndReason"/>. With an agent named,
    /// only an active handoff that agent holds (another's: <see cref="HandoffChangeResult.HeldByAnother"/>).
    /// </summary>
    Task<HandoffChange> EndAsync(string id, string reason, string? agent, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Waiting handoffs queued before <paramref name="before"/>, oldest first: the ones past <c>HelpDesk:MaxWait</c>.</summary>
    Task<IReadOnlyList<Handoff>> ListWaitingSinceAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores the user's satisfaction (1 to 5) with an ended handoff, once; false when it is not ended, already rated or not found.</summary>
    Task<bool> RateAsync(string id, int score, CancellationToken cancellationToken = default);

    /// <summary>Appends an activity to the handoff's log and returns its watermark (increasing within the handoff); readers are woken in every replica.</summary>
    Task<long> AppendAsync(string id, string activityJson, CancellationToken cancellationToken = default);

    /// <summary>The log's activities after <paramref name="after"/> (0: from the start), at most <paramref name="limit"/>.</summary>
    Task<HandoffActivities> ReadAsync(string id, long after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every handoff queued at or after <paramref name="since"/>, for the dashboard's figures (<see cref="HandoffStats"/>).</summary>
    Task<IReadOnlyList<Handoff>> ListQueuedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Sets an agent's presence and marks the agent as heard from now.</summary>
    Task SetPresenceAsync(string agent, string status, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks the agent as heard from now, keeping the status (a console or API call that polls); nothing for an unknown agent.</summary>
    Task TouchPresenceAsync(string agent, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AgentPresence>> ListPresenceAsync(CancellationToken cancellationToken = default);
}
