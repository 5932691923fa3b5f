using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// When the Direct Line streams send their keep-alives: one timer for all of them, each stream woken
/// once per <c>DirectLine:KeepAliveInterval</c> in a phase of its own. A timer per stream was 10,000
/// timers for the runtime to walk three times a second at 10,000 open conversations, and one tick for
/// all would send every keep-alive in the same instant; phases of about a second spread them out.
/// </summary>
public sealed class KeepAliveTicks : IDisposable
{
    private readonly TaskCompletionSource[] _phases;
    private readonly ITimer _timer;
    private int _next;

    public KeepAliveTicks(IOptions<DirectLineOptions> options)
    {
        var interval = options.Value.KeepAliveInterval;
        var phases = Math.Clamp((int)Math.Ceiling(interval.TotalSeconds), 1, 60);
        _phases = [.. Enumerable.Range(0, phases).Select(_ => NewTick())];

        // Wall-clock time, not the host's TimeProvider: proxies cut sockets idle by the wall clock.
        _timer = TimeProvider.System.CreateTimer(_ => Tick(), null, interval / phases, interval / phases);
    }

    /// <summary>A phase for a new stream, picked at random so that streams spread over the phases.</summary>
    public int NewPhase() => Random.Shared.Next(_phases.Length);

    /// <summary>Completes at the phase's next tick, at most one keep-alive interval from now.</summary>
    public Task Next(int phase) => Volatile.Read(ref _phases[phase]).Task;

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        var phase = _next;
        _next = (phase + 1) % _phases.Length;
        Interlocked.Exchange(ref _phases[phase], NewTick()).TrySetResult();
    }

    // Continuations run on the thread pool, not on the timer's thread, one stream at a time.
    private static TaskCompletionSource NewTick() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
