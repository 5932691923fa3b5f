using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Telemetry;
using SupportBot.Web.Storage;

namespace SupportBot.Web.Tests.Storage;

/// <summary>The write-behind queue of transcripts and the question log: a failed batch is tried again, a batch that always fails is dropped and counted, and the writer goes on.</summary>
public sealed class WriteBehindQueueTests
{
    private static readonly TimeSpan[] NoWait = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero];

    // A store name of this test's own, so counts of other tests' queues (tests run in parallel) never mix in.
    private readonly string _store = $"test items {Guid.NewGuid():N}";

    [Fact]
    public async Task A_batch_that_fails_twice_is_written_on_the_third_attempt_and_nothing_is_dropped()
    {
        var written = new List<string>();
        var attempts = 0;
        using var dropped = new DropCounter(_store);
        await using var queue = new WriteBehindQueue<string>(
            batch =>
            {
                if (++attempts <= 2)
                {
                    throw new IOException("disk I/O error");
                }

                written.AddRange(batch);
                return Task.CompletedTask;
            },
            NullLogger.Instance,
            _store,
            "test.db",
            NoWait);

        await queue.AppendAsync("a");
        await queue.AppendAsync("b");
        await queue.FlushAsync();

        Assert.Equal(["a", "b"], written);
        Assert.Equal(3, attempts);
        Assert.Equal(0, dropped.Total);
    }

    [Fact]
    public async Task A_batch_that_always_fails_is_tried_four_times_then_dropped_counted_and_the_writer_goes_on()
    {
        var attempts = 0;
        var failing = true;
        var written = new List<string>();
        using var dropped = new DropCounter(_store);
        var queue = new WriteBehindQueue<string>(
            batch =>
            {
                attempts++;
                if (failing)
                {
                    throw new IOException("database or disk is full");
                }

                written.AddRange(batch);
                return Task.CompletedTask;
            },
            NullLogger.Instance,
            _store,
            "test.db",
            NoWait);

        await queue.AppendAsync("lost");
        try
        {
            // Fails when the flush's barrier shared the dropped batch; completes when it came after.
            await queue.FlushAsync();
        }
        catch (IOException)
        {
        }

        Assert.Equal(1 + NoWait.Length, attempts);
        Assert.Equal(1, dropped.Total);

        failing = false;
        await queue.AppendAsync("kept");
        await queue.FlushAsync();
        await queue.DisposeAsync();

        Assert.Equal(["kept"], written);
        Assert.Equal(1, dropped.Total);
    }

    [Fact]
    public void The_default_retries_are_bounded_to_a_few_seconds()
    {
        var delays = WriteBehindQueue<string>.DefaultRetryDelays;

        Assert.Equal(3, delays.Count);
        Assert.True(delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d) <= TimeSpan.FromSeconds(10));
    }

    /// <summary>Listens to <c>supportbot.storage.writes.dropped</c> for one store.</summary>
    private sealed class DropCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public DropCounter(string store)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == BotTelemetry.Name && instrument.Name == StorageMetrics.DroppedName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "store" && (string?)tag.Value == store)
                    {
                        Interlocked.Add(ref _total, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
