using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Telemetry;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Tests.DirectLine;

public sealed class OpenActivityStreamsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void A_conversation_holds_no_more_streams_than_its_limit_and_frees_a_place_when_one_closes()
    {
        var streams = Streams();
        using var first = streams.TryOpen("c-1", limit: 2);
        var second = streams.TryOpen("c-1", limit: 2);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(streams.TryOpen("c-1", limit: 2));
        Assert.NotNull(streams.TryOpen("c-2", limit: 2));

        second!.Dispose();
        Assert.NotNull(streams.TryOpen("c-1", limit: 2));
    }

    [Fact]
    public void Activities_appended_here_reach_every_open_stream_of_their_conversation_in_watermark_order()
    {
        var streams = Streams();
        using var one = streams.TryOpen("c-1", limit: 2)!;
        using var two = streams.TryOpen("c-1", limit: 2)!;
        using var other = streams.TryOpen("c-2", limit: 2)!;

        // Two appends whose commits were told in the opposite order.
        streams.Appended("c-1", Stored(2));
        streams.Appended("c-1", Stored(1));

        foreach (var stream in new[] { one, two })
        {
            Assert.True(stream.TryTakeNext(0, out var first));
            Assert.Equal(1, first.Watermark);
            Assert.True(stream.TryTakeNext(1, out var second));
            Assert.Equal(2, second.Watermark);
            Assert.False(stream.TryTakeNext(2, out _));
        }

        Assert.False(other.TryTakeNext(0, out _));
    }

    [Fact]
    public void A_gap_is_not_bridged_the_stream_reads_the_missing_activity_from_the_store()
    {
        var streams = Streams();
        using var stream = streams.TryOpen("c-1", limit: 1)!;

        // Watermark 2 was appended by another replica: only the store has it.
        streams.Appended("c-1", Stored(3));

        Assert.False(stream.TryTakeNext(1, out _));
        Assert.True(stream.TryTakeNext(2, out var third));
        Assert.Equal(3, third.Watermark);
    }

    [Fact]
    public void Activities_at_or_before_what_the_stream_sent_are_forgotten()
    {
        var streams = Streams();
        using var stream = streams.TryOpen("c-1", limit: 1)!;
        streams.Appended("c-1", Stored(1));
        streams.Appended("c-1", Stored(2));

        // The stream caught up from the store first.
        Assert.False(stream.TryTakeNext(2, out _));
        Assert.False(stream.TryTakeNext(0, out _));
    }

    [Fact]
    public void A_stream_far_behind_keeps_no_more_than_a_bounded_backlog_and_reads_the_rest_from_the_store()
    {
        var streams = Streams();
        using var stream = streams.TryOpen("c-1", limit: 1)!;
        for (var watermark = 1; watermark <= 1_000; watermark++)
        {
            streams.Appended("c-1", Stored(watermark));
        }

        Assert.False(stream.TryTakeNext(0, out _));
        Assert.True(stream.TryTakeNext(999, out var last));
        Assert.Equal(1_000, last.Watermark);
    }

    [Fact]
    public void Nothing_is_kept_for_a_conversation_without_an_open_stream()
    {
        var streams = Streams();
        streams.Appended("c-1", Stored(1));

        using var late = streams.TryOpen("c-1", limit: 1)!;
        Assert.False(late.TryTakeNext(0, out _));
    }

    private OpenActivityStreams Streams() => new(new BotTelemetry(_services.GetRequiredService<IMeterFactory>()));

    private static StoredActivity Stored(long watermark) => new(watermark, $$"""{"type":"message","id":"c-1|{{watermark:0000000}}"}""");
}
