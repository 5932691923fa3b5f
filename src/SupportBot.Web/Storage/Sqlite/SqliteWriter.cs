using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>The one writer of a SQLite database in this process: every store's writes are queued and run together in shared transactions.</summary>
/// <remarks>
/// SQLite has one write lock per file. When each turn took it for its own state write while the
/// transcript writer held it for a batch, the turns waited in SQLite's busy handler, each blocking
/// a thread-pool thread, and under load the host spent a fifth of its CPU on that contention
/// (docs/performance.md). Here one connection writes, with its statements prepared once, and a
/// batch of jobs shares one commit. Each job runs inside its own savepoint: a job that throws is
/// rolled back alone and its caller gets the exception, while the others commit. A job's task
/// completes only after its batch is committed.
/// </remarks>
public sealed class SqliteWriter : IAsyncDisposable
{
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 256;

    // An idle writer gives its connection back to the pool, so a store nobody disposes (tests,
    // tools) does not hold the file open.
    private static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(2);

    private readonly SqliteDatabase _database;
    private readonly ILogger _logger;
    private readonly Channel<WriteJob> _jobs = Channel.CreateBounded<WriteJob>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Func<bool> _othersWaiting;
    private readonly Task _writer;

    /// <summary>A writer for <paramref name="database"/>; one per database, <see cref="SqliteDatabase.Writer"/>.</summary>
    internal SqliteWriter(SqliteDatabase database, ILogger? logger)
    {
        _database = database;
        _logger = logger ?? NullLogger.Instance;
        // Made once: a lambda over the queue would be a new delegate on every batch.
        _othersWaiting = () => _jobs.Reader.Count > 0;
        _writer = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="work"/> on the writer's connection inside a transaction; completes after the commit.</summary>
    /// <remarks>The work runs on the writer's thread and must not block on anything but the database; it gets its commands from the batch.</remarks>
    public async Task<T> WriteAsync<T>(Func<SqliteWriteBatch, T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var job = new WriteJob<T>(work);
        await _jobs.Writer.WriteAsync(job, cancellationToken);
        return await job.Result;
    }

    /// <summary>Runs <paramref name="work"/> on the writer's connection inside a transaction; completes after the commit.</summary>
    public Task WriteAsync(Action<SqliteWriteBatch> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WriteAsync<bool>(batch =>
        {
            work(batch);
            return true;
        }, cancellationToken);
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _jobs.Writer.TryComplete();
        await _writer;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteJob>(MaxBatch);
        SqliteWriteBatch? open = null;
        try
        {
            while (true)
            {
                if (open is not null && !_jobs.Reader.TryPeek(out _))
                {
                    using var idle = new CancellationTokenSource(IdleTime);
                    try
                    {
                        await _jobs.Reader.WaitToReadAsync(idle.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        await open.DisposeAsync();
                        open = null;
                    }
                }

                if (!await _jobs.Reader.WaitToReadAsync())
                {
                    return;
                }

                batch.Clear();
                while (batch.Count < MaxBatch && _jobs.Reader.TryRead(out var job))
                {
                    batch.Add(job);
                }

                try
                {
                    open ??= new SqliteWriteBatch(await _database.OpenConnectionAsync(CancellationToken.None));
                    open.Run(batch, _othersWaiting);
                }
                catch (Exception ex)
                {
                    // The connection, a rollback or the commit failed: nothing of the batch is written.
                    _logger.LogError(ex, "Could not write {Count} jobs to {Database}", batch.Count, _database.Path);
                    batch.ForEach(job => job.Fail(ex));
                    if (open is not null)
                    {
                        await open.DisposeAsync();
                        open = null;
                    }
                }
            }
        }
        finally
        {
            if (open is not null)
            {
                await open.DisposeAsync();
            }
        }
    }

    /// <summary>One queued piece of work and the caller waiting for it.</summary>
    internal abstract class WriteJob
    {
        public abstract void Execute(SqliteWriteBatch batch);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteJob<T>(Func<SqliteWriteBatch, T> work) : WriteJob
    {
        // Continuations run on the caller's side, never on the writer's thread.
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _result.Task;

        public override void Execute(SqliteWriteBatch batch) => _value = work(batch);

        public override void Complete() => _result.TrySetResult(_value!);

        public override void Fail(Exception exception) => _result.TrySetException(exception);
    }
}

/// <summary>The writer's connection and transaction as a job sees them, with each statement prepared once per connection.</summary>
public sealed class SqliteWriteBatch : IAsyncDisposable
{
    private const string JobSavepoint = "job";

    // SQLite checkpoints on the committing connection once the log passes wal_autocheckpoint pages,
    // and every job queued behind this writer waits for it. With writes waiting, small steps: at
    // SQLite's 1,000 pages the checkpoint was a turn's p99 under wrk (18 ms). With none, larger steps:
    // each checkpoint syncs twice, and 100 pages always cost a Direct Line turn 0.3-0.5 ms more
    // (docs/performance.md).
    private const int SmallCheckpointPages = 100;
    private const int LargeCheckpointPages = 400;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;
    private int _checkpointPages;

    internal SqliteWriteBatch(SqliteConnection connection) => Connection = connection;

    /// <summary>The writer's open connection (inside the batch's transaction while a job runs).</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The command for <paramref name="sql"/>, prepared on first use, in the batch's transaction, with no parameters.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        await Connection.DisposeAsync();
    }

    private void CheckpointIn(int pages)
    {
        if (pages != _checkpointPages)
        {
            Command($"PRAGMA wal_autocheckpoint = {pages}").ExecuteNonQuery();
            _checkpointPages = pages;
        }
    }

    internal void Run(List<SqliteWriter.WriteJob> jobs, Func<bool> othersWaiting)
    {
        var written = new List<SqliteWriter.WriteJob>(jobs.Count);
        using (_transaction = Connection.BeginTransaction(deferred: false))
        {
            try
            {
                foreach (var job in jobs)
                {
                    _transaction.Save(JobSavepoint);
                    try
                    {
                        job.Execute(this);
                        _transaction.Release(JobSavepoint);
                        written.Add(job);
                    }
                    catch (Exception ex) when (ex is not SqliteException { SqliteErrorCode: 10 or 13 })
                    {
                        // This job alone is undone (SQLITE_IOERR and SQLITE_FULL fail the batch instead).
                        _transaction.Rollback(JobSavepoint);
                        _transaction.Release(JobSavepoint);
                        job.Fail(ex);
                    }
                }

                CheckpointIn(othersWaiting() ? SmallCheckpointPages : LargeCheckpointPages);
                _transaction.Commit();
            }
            finally
            {
                _transaction = null;
            }
        }

        written.ForEach(job => job.Complete());
    }
}
