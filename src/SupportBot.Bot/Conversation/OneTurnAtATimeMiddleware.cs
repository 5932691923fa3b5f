using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Runs the turns of one conversation one after another on this host. Two messages sent quickly
/// would otherwise both load the same state and the second save would hit an ETag conflict;
/// conversations never wait for each other.
/// </summary>
public sealed class OneTurnAtATimeMiddleware : IMiddleware
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var key = $"{turnContext.Activity.ChannelId}/{turnContext.Activity.Conversation?.Id}";
        var gate = Acquire(key);
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
            try
            {
                await next(cancellationToken);
            }
            finally
            {
                gate.Semaphore.Release();
            }
        }
        finally
        {
            Release(key, gate);
        }
    }

    /// <summary>Conversations with a turn running or waiting (the gates are dropped when idle).</summary>
    public int ActiveConversations
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    private Gate Acquire(string key)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out var gate))
            {
                gate = new Gate();
                _gates.Add(key, gate);
            }

            gate.Users++;
            return gate;
        }
    }

    private void Release(string key, Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(key);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }
}
