using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine.History;

/// <summary>Notifications between the requests of this one process (several instances need a shared notifier).</summary>
public sealed class InProcessConversationNotifier(IOptions<DirectLineOptions> options, ILogger<InProcessConversationNotifier> logger) : IConversationNotifier
{
    private readonly Dictionary<string, List<Subscription>> _subscribers = new(StringComparer.Ordinal);

    public IConversationSubscription Subscribe(string conversationId)
    {
        var subscription = new Subscription(this, conversationId, options.Value.StreamBacklogLimit);
        lock (_subscribers)
        {
            if (!_subscribers.TryGetValue(conversationId, out var list))
            {
                _subscribers[conversationId] = list = [];
            }

            list.Add(subscription);
        }

        return subscription;
    }

    public void Publish(string conversationId, long watermark)
    {
        Subscription[] listeners;
        lock (_subscribers)
        {
            if (!_subscribers.TryGetValue(conversationId, out var list))
            {
                return;
            }

            listeners = [.. list];
        }

        foreach (var subscription in listeners)
        {
            if (!subscription.TryNotify(watermark))
            {
                logger.LogWarning("Dropped a slow Direct Line stream of conversation {ConversationId} at watermark {Watermark}", conversationId, watermark);
                subscription.Dispose();
            }
        }
    }

    /// <summary>Listeners of a conversation right now (for tests and diagnostics).</summary>
    public int SubscriberCount(string conversationId)
    {
        lock (_subscribers)
        {
            return _subscribers.TryGetValue(conversationId, out var list) ? list.Count : 0;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_subscribers)
        {
            if (_subscribers.TryGetValue(subscription.ConversationId, out var list) && list.Remove(subscription) && list.Count == 0)
            {
                _subscribers.Remove(subscription.ConversationId);
            }
        }
    }

    private sealed class Subscription(InProcessConversationNotifier notifier, string conversationId, int capacity) : IConversationSubscription
    {
        private readonly Channel<long> _watermarks = Channel.CreateBounded<long>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        private readonly CancellationTokenSource _dropped = new();
        private int _disposed;

        public string ConversationId { get; } = conversationId;

        public ChannelReader<long> Watermarks => _watermarks.Reader;

        public CancellationToken Dropped => _dropped.Token;

        /// <summary>False when the listener was full and is dropped by this call.</summary>
        public bool TryNotify(long watermark)
        {
            if (_watermarks.Writer.TryWrite(watermark))
            {
                return true;
            }

            // Full: drop it (false). Already completed: it was dropped or disposed before, nothing to do.
            if (!_watermarks.Writer.TryComplete(new SubscriberTooSlowException()))
            {
                return true;
            }

            _dropped.Cancel();
            return false;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                notifier.Remove(this);
                _watermarks.Writer.TryComplete();
            }
        }
    }
}
