using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SupportBot.Web.Storage;

/// <summary>
/// The group commit of a database store whose rows a turn only adds (transcripts, the question
/// log): items are queued and one background writer writes whatever has gathered (a turn's
/// message and its replies, or several conversations' turns) in one batch, off the turn's path.
/// </summary>
/// <remarks>
/// An append completes once queued; <see cref="FlushAsync"/> completes when every append queued
/// before it is committed, so reads see what was logged before them. A crash of the process can
/// lose the last few milliseconds of what was queued, never bot state. A batch that fails is
/// tried again after each of <see cref="DefaultRetryDelays"/> (a database restart or failover
/// takes seconds); one that fails every time is dropped, logged and counted in
/// <c>supportbot_storage_writes_dropped_total</c>, and the writer goes on with the next.
/// </remarks>
public sealed class WriteBehindQueue<T> : IAsyncDisposable
    where T : class
{
    // Enough to absorb bursts; beyond it, logging waits for the writer rather than growing memory.
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 256;

    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly Func<IReadOnlyList<T>, Task> _insert;
    private readonly ILogger _logger;
    private readonly string _what;
    private readonly string _database;
    private readonly Channel<Pending> _appends = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _writer;

    /// <summary>A queue whose batches <paramref name="insert"/> writes in one transaction.</summary>
    /// <param name="what">What is written, plural, for log messages and the drop counter's <c>store</c> label ("transcript activities").</param>
    /// <param name="retryDelays">The waits before each further attempt at a failed batch; <see cref="DefaultRetryDelays"/> when null.</param>
    public WriteBehindQueue(Func<IReadOnlyList<T>, Task> insert, ILogger logger, string what, string database, IReadOnlyList<TimeSpan>? retryDelays = null)
    {
        _retryDelays = retryDelays ?? DefaultRetryDelays;
        _insert = insert;
        _logger = logger;
        _what = what;
        _database = database;
        _writer = Task.Run(WriteAppendsAsync);
    }

    /// <summary>The waits before the second, third and fourth attempt at a batch: about six seconds in all, bounded so a dead database does not hold the queue.</summary>
    public static IReadOnlyList<TimeSpan> DefaultRetryDelays { get; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    public ValueTask AppendAsync(T append) => _appends.Writer.WriteAsync(new Pending(append));

    /// <summary>Completes when every append queued before it is committed.</summary>
    public async Task FlushAsync()
    {
        var barrier = new Pending(null);
        if (_appends.Writer.TryWrite(barrier) || await WriteOrClosedAsync(barrier))
        {
            await barrier.Committed.Task;
        }
    }

    /// <summary>Writes what is queued and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer;
    }

    private async Task<bool> WriteOrClosedAsync(Pending append)
    {
        try
        {
            await _appends.Writer.WriteAsync(append);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private async Task WriteAppendsAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _appends.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _appends.Reader.TryRead(out var append))
            {
                batch.Add(append);
            }

            var appends = batch.Where(a => a.Append is not null).Select(a => a.Append!).ToList();
            var failure = appends.Count == 0 ? null : await InsertWithRetriesAsync(appends);
            if (failure is null)
            {
                batch.ForEach(a => a.Committed.TrySetResult());
            }
            else
            {
                // The writer goes on; a flush waiting on this batch sees the failure.
                batch.ForEach(a => a.Committed.TrySetException(failure));
            }
        }
    }

    /// <summary>Writes the batch, trying again after each retry delay; null once written, else the last failure (the batch is then dropped).</summary>
    private async Task<Exception?> InsertWithRetriesAsync(IReadOnlyList<T> appends)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _insert(appends);
                return null;
            }
            catch (Exception ex) when (attempt <= _retryDelays.Count)
            {
                var delay = _retryDelays[attempt - 1];
                _logger.LogWarning(
                    ex,
                    "Could not write {Count} {What} to {Database} (attempt {Attempt} of {Attempts}); trying again in {RetryDelay}",
                    appends.Count,
                    _what,
                    _database,
                    attempt,
                    _retryDelays.Count + 1,
                    delay);
                await Task.Delay(delay);
            }
            catch (Exception ex)
            {
                _logger.LogError(
                    ex,
                    "Dropped {Count} {What} after {Attempts} failed attempts to write them to {Database}",
                    appends.Count,
                    _what,
                    attempt,
                    _database);
                StorageMetrics.WritesDropped(_what, appends.Count);
                return ex;
            }
        }
    }

    /// <summary>An append, or a barrier (no append) that a flush waits on.</summary>
    private sealed record Pending(T? Append)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
