using System.Collections.Concurrent;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using SupportBot.Bot.Handoffs;

namespace SupportBot.Web.Tests.Agents;

/// <summary>The bot's side as the agent side sees it: records each call, and appends an agent's activity to the log as the real relay does.</summary>
public sealed class RecordingRelay(IHandoffStore store) : IHandoffRelay
{
    public ConcurrentQueue<(string Call, Handoff Handoff, Activity? Activity)> Calls { get; } = new();

    public IEnumerable<(string Call, Handoff Handoff, Activity? Activity)> For(string handoffId) => Calls.Where(c => c.Handoff.Id == handoffId);

    public Task AcceptedAsync(Handoff handoff, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((nameof(AcceptedAsync), handoff, null));
        return Task.CompletedTask;
    }

    public async Task SendFromAgentAsync(Handoff handoff, Activity activity, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((nameof(SendFromAgentAsync), handoff, activity));
        await store.AppendAsync(handoff.Id, JsonConvert.SerializeObject(activity), cancellationToken);
    }

    public Task EndedAsync(Handoff handoff, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((nameof(EndedAsync), handoff, null));
        return Task.CompletedTask;
    }

    public Task TimedOutAsync(Handoff handoff, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((nameof(TimedOutAsync), handoff, null));
        return Task.CompletedTask;
    }
}
