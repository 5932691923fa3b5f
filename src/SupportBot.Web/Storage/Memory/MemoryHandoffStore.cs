using SupportBot.Bot.Handoffs;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Memory;

/// <summary>Live handoffs, their logs and agents' presence in memory, lost on restart: for tests and <c>Storage:Provider=Memory</c>.</summary>
public sealed class MemoryHandoffStore(IConversationNotifier? notifier = null) : IHandoffStore
{
    private readonly Lock _lock = new();
    private readonly List<Handoff> _handoffs = [];
    private readonly Dictionary<string, List<HandoffActivity>> _logs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastWatermarks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentPresence> _presence = new(StringComparer.Ordinal);

    public Task<Handoff> QueueAsync(NewHandoff handoff, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Handoff queued;
        lock (_lock)
        {
            if (Open(handoff.ChannelId, handoff.ConversationId) is { } open)
            {
                return Task.FromResult(open);
            }

            queued = new Handoff(
                Guid.NewGuid().ToString("N"), HandoffStatus.Waiting, handoff.ChannelId, handoff.ConversationId, handoff.UserId, handoff.UserName,
                handoff.Language, handoff.ConversationReference, now, [.. handoff.Questions]);
            _handoffs.Add(queued);
            _logs[queued.Id] = [];
        }

        notifier?.Publish(HandoffNotifications.Queue, 0);
        return Task.FromResult(queued);
    }

    public Task<Handoff?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_handoffs.Find(h => h.Id == id));
        }
    }

    public Task<Handoff?> FindOpenAsync(string channelId, string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(Open(channelId, conversationId));
        }
    }

    public Task<IReadOnlyList<Handoff>> ListAsync(string status, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var matching = _handoffs.Where(h => h.Status == status);
            matching = status switch
            {
                HandoffStatus.Waiting => matching.OrderBy(h => h.WaitingSince),
                HandoffStatus.Active => matching.OrderBy(h => h.AcceptedAt),
                _ => matching.OrderByDescending(h => h.EndedAt),
            };
            return Task.FromResult<IReadOnlyList<Handoff>>(matching.Take(limit).ToList());
        }
    }

    public Task<int?> PlaceAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var waiting = _handoffs.Where(h => h.Status == HandoffStatus.Waiting).OrderBy(h => h.WaitingSince).ToList();
            var index = waiting.FindIndex(h => h.Id == id);
            return Task.FromResult<int?>(index < 0 ? null : index + 1);
        }
    }

    public Task<HandoffChange> AcceptAsync(string id, string agent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Change(id, h => h.Status switch
        {
            HandoffStatus.Waiting => (HandoffChangeResult.Changed, h with { Status = HandoffStatus.Active, Agent = agent, AcceptedAt = now }),
            HandoffStatus.Active when h.Agent != agent => (HandoffChangeResult.HeldByAnother, h),
            _ => (HandoffChangeResult.NotOpen, h),
        });

    public Task<HandoffChange> EndAsync(string id, string reason, string? agent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Change(id, h => h.Status switch
        {
            HandoffStatus.Ended => (HandoffChangeResult.NotOpen, h),
            _ when agent is not null && (h.Status != HandoffStatus.Active || h.Agent != agent) => (HandoffChangeResult.HeldByAnother, h),
            _ => (HandoffChangeResult.Changed, h with { Status = HandoffStatus.Ended, EndedAt = now, EndReason = reason }),
        });

    public Task<IReadOnlyList<Handoff>> ListWaitingSinceAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Handoff>>(_handoffs
                .Where(h => h.Status == HandoffStatus.Waiting && h.WaitingSince < before)
                .OrderBy(h => h.WaitingSince)
                .Take(limit)
                .ToList());
        }
    }

    public Task<bool> RateAsync(string id, int score, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 5);
        lock (_lock)
        {
            var index = _handoffs.FindIndex(h => h.Id == id);
            if (index < 0 || _handoffs[index].Status != HandoffStatus.Ended || _handoffs[index].Satisfaction is not null)
            {
                return Task.FromResult(false);
            }

            _handoffs[index] = _handoffs[index] with { Satisfaction = score };
            return Task.FromResult(true);
        }
    }

    public Task<long> AppendAsync(string id, string activityJson, CancellationToken cancellationToken = default)
    {
        long watermark;
        lock (_lock)
        {
            if (!_logs.TryGetValue(id, out var log))
            {
                throw new KeyNotFoundException($"No handoff '{id}'.");
            }

            // From the last watermark ever given, not the log's length: an erasure empties a log that may grow again.
            watermark = (_lastWatermarks.GetValueOrDefault(id)) + 1;
            _lastWatermarks[id] = watermark;
            log.Add(new HandoffActivity(watermark, activityJson));
        }

        notifier?.Publish(HandoffNotifications.Activities(id), watermark);
        return Task.FromResult(watermark);
    }

    public Task<HandoffActivities> ReadAsync(string id, long after, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var log = _logs.GetValueOrDefault(id) ?? [];
            var activities = log.Where(a => a.Watermark > after).Take(limit).ToList();
            return Task.FromResult(new HandoffActivities(activities, activities.Count > 0 ? activities[^1].Watermark : Math.Max(after, 0)));
        }
    }

    public Task<IReadOnlyList<Handoff>> ListQueuedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Handoff>>(_handoffs.Where(h => h.WaitingSince >= since).ToList());
        }
    }

    public Task SetPresenceAsync(string agent, string status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _presence[agent] = new AgentPresence(agent, status, now);
        }

        return Task.CompletedTask;
    }

    public Task TouchPresenceAsync(string agent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_presence.TryGetValue(agent, out var presence))
            {
                _presence[agent] = presence with { LastSeen = now };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AgentPresence>> ListPresenceAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<AgentPresence>>([.. _presence.Values.OrderBy(p => p.Agent, StringComparer.Ordinal)]);
        }
    }

    /// <summary>Retention: deletes up to <paramref name="batchSize"/> handoffs ended before <paramref name="cutoff"/> with their logs; counts both, as the database stores do.</summary>
    public int DeleteEndedBefore(DateTimeOffset cutoff, int batchSize)
    {
        lock (_lock)
        {
            var expired = _handoffs.Where(h => h.Status == HandoffStatus.Ended && h.EndedAt < cutoff).Take(batchSize).ToList();
            var activities = expired.Sum(h => _logs.Remove(h.Id, out var log) ? log.Count : 0);
            expired.ForEach(h => _lastWatermarks.Remove(h.Id));
            _handoffs.RemoveAll(expired.Contains);
            return activities + expired.Count;
        }
    }

    /// <summary>The conversations of the user's handoffs on a channel (erasure).</summary>
    public IReadOnlyList<string> ConversationsOf(string channelId, string userId)
    {
        lock (_lock)
        {
            return [.. _handoffs.Where(h => h.ChannelId == channelId && h.UserId == userId).Select(h => h.ConversationId)];
        }
    }

    /// <summary>
    /// Erasure: empties the logs of the channel's handoffs in <paramref name="conversations"/> and
    /// anonymises them, keeping status and times for the figures; counts activities and handoffs.
    /// </summary>
    public int Erase(string channelId, IReadOnlySet<string> conversations)
    {
        lock (_lock)
        {
            var erased = 0;
            for (var i = 0; i < _handoffs.Count; i++)
            {
                var handoff = _handoffs[i];
                if (handoff.ChannelId == channelId && conversations.Contains(handoff.ConversationId))
                {
                    erased += _logs.TryGetValue(handoff.Id, out var log) ? log.Count : 0;
                    log?.Clear();
                    _handoffs[i] = handoff with { UserId = null, UserName = null, ConversationReference = UserErasureRules.ErasedConversationReference, Questions = [] };
                    erased++;
                }
            }

            return erased;
        }
    }

    private Handoff? Open(string channelId, string conversationId) =>
        _handoffs.Find(h => h.ChannelId == channelId && h.ConversationId == conversationId && h.Status != HandoffStatus.Ended);

    private Task<HandoffChange> Change(string id, Func<Handoff, (HandoffChangeResult Result, Handoff After)> change)
    {
        HandoffChange outcome;
        lock (_lock)
        {
            var index = _handoffs.FindIndex(h => h.Id == id);
            if (index < 0)
            {
                return Task.FromResult(new HandoffChange(HandoffChangeResult.NotFound, null));
            }

            var (result, after) = change(_handoffs[index]);
            _handoffs[index] = after;
            outcome = new HandoffChange(result, after);
        }

        if (outcome.Result == HandoffChangeResult.Changed)
        {
            notifier?.Publish(HandoffNotifications.Queue, 0);
        }

        return Task.FromResult(outcome);
    }
}
