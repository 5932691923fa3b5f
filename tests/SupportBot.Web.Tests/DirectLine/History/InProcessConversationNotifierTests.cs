using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Tests.DirectLine.History;

public sealed class InProcessConversationNotifierTests
{
    private readonly InProcessConversationNotifier _notifier = new(
        Options.Create(new DirectLineOptions { StreamBacklogLimit = 3 }), NullLogger<InProcessConversationNotifier>.Instance);

    [Fact]
    public void A_subscriber_gets_the_watermarks_of_its_conversation_only_in_order()
    {
        using var subscription = _notifier.Subscribe("c-1");

        _notifier.Publish("c-1", 1);
        _notifier.Publish("c-2", 7);
        _notifier.Publish("c-1", 2);

        Assert.True(subscription.Watermarks.TryRead(out var first));
        Assert.True(subscription.Watermarks.TryRead(out var second));
        Assert.False(subscription.Watermarks.TryRead(out _));
        Assert.Equal((1, 2), (first, second));
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_its_limit_is_dropped_and_the_others_are_not()
    {
        using var slow = _notifier.Subscribe("c-1");
        using var keepingUp = _notifier.Subscribe("c-1");

        for (var watermark = 1; watermark <= 4; watermark++)
        {
            _notifier.Publish("c-1", watermark);
            Assert.True(keepingUp.Watermarks.TryRead(out _));
        }

        Assert.True(slow.Dropped.IsCancellationRequested);
        Assert.False(keepingUp.Dropped.IsCancellationRequested);
        await Assert.ThrowsAsync<SubscriberTooSlowException>(async () =>
        {
            while (await slow.Watermarks.WaitToReadAsync())
            {
                slow.Watermarks.TryRead(out _);
            }
        });
        Assert.Equal(1, _notifier.SubscriberCount("c-1"));
    }

    [Fact]
    public void A_disposed_subscription_stops_listening()
    {
        var subscription = _notifier.Subscribe("c-1");

        subscription.Dispose();
        _notifier.Publish("c-1", 1);

        Assert.Equal(0, _notifier.SubscriberCount("c-1"));
        Assert.False(subscription.Watermarks.TryRead(out _));
        Assert.True(subscription.Watermarks.Completion.IsCompleted);
    }
}
