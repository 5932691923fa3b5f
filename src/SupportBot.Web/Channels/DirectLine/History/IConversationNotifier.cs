namespace SupportBot.Web.Channels.DirectLine.History;

/// <summary>
/// Tells the WebSockets of a conversation that its log grew to a watermark; they read the new
/// activities from the store (those appended by their own process they are handed, see
/// <see cref="OpenActivityStreams"/>), so a notification carries no activity and may be coalesced.
/// </summary>
public interface IConversationNotifier
{
    /// <summary>Listens to one conversation until the subscription is disposed.</summary>
    IConversationSubscription Subscribe(string conversationId);

    /// <summary>Called after an append is committed.</summary>
    void Publish(string conversationId, long watermark);
}

/// <summary>One listener's notifications, bounded: a listener that falls too far behind is dropped.</summary>
public interface IConversationSubscription : IDisposable
{
    /// <summary>The watermarks published since subscribing; completes with <see cref="SubscriberTooSlowException"/> when dropped.</summary>
    System.Threading.Channels.ChannelReader<long> Watermarks { get; }

    /// <summary>Cancelled when the subscription is dropped, to abort a send that is stuck on a slow client.</summary>
    CancellationToken Dropped { get; }
}

/// <summary>The listener did not keep up; it reconnects with its watermark and reads what it missed from the store.</summary>
public sealed class SubscriberTooSlowException() : Exception("The subscriber fell too far behind and was dropped.");
