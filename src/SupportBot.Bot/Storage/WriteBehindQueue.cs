using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SupportBot.Bot.Storage;

/// <summary>An activity queued for a transcript, already serialised.</summary>
public sealed record TranscriptAppend(string ChannelId, string ConversationId, string? ActivityId, DateTimeOffset Timestamp, string Json);

/// <summary>
/// The group commit of a database store whose rows a turn only adds (transcripts, the question
/// log): items are queued and one background writer writes whatever has gathered (a turn's
/// message and its replies, or several conversations' turns) in one batch, off the turn's path.
/// </summary>
/// <remarks>
/// An append completes once queued; <see cref="FlushAsync"/> completes when every append queued
/// before it is committed, so reads see what was logged before them. A crash of the process can
/// lose the last few milliseconds of what was queued, never bot state.
/// </remarks>
public sealed class WriteBehindQueue<T> : IAsyncDisposable
    where T : class
{
    // Enough to absorb bursts; beyond it, logging waits for the writer rather than growing memory.
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 256;

    private readonly Func<IReadOnlyList<T>, Task> _insert;
    private readonly ILogger _logger;
    private readonly string _what;
    private readonly string _database;
    private readonly Channel<Pending> _appends = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _writer;

    /// <summary>A queue whose batches <paramref name="insert"/> writes in one transaction.</summary>
    /// <param name="what">What is written, plural, for log messages ("transcript activities").</param>
    public WriteBehindQueue(Func<IReadOnlyList<T>, Task> insert, ILogger logger, string what, string database)
    {
        _insert = insert;
        _logger = logger;
        _what = what;
        _database = database;
        _writer = Task.Run(WriteAppendsAsync);
    }

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
            try
            {
                if (appends.Count > 0)
                {
                    await _insert(appends);
                }

                batch.ForEach(a => a.Committed.TrySetResult());
            }
            catch (Exception ex)
            {
                // The writer goes on; a flush waiting on this batch sees the failure.
                _logger.LogError(ex, "Could not write {Count} {What} to {Database}", appends.Count, _what, _database);
                batch.ForEach(a => a.Committed.TrySetException(ex));
            }
        }
    }

    /// <summary>An append, or a barrier (no append) that a flush waits on.</summary>
    private sealed record Pending(T? Append)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
