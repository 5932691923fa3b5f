using System.Globalization;
using System.Threading.Channels;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;

namespace SupportBot.Bot.Storage;

/// <summary>Every activity of every conversation, in the bot's SQLite file, for handoff and admin views; record with <c>new TranscriptLoggerMiddleware(store)</c>.</summary>
/// <remarks>
/// Activities come back in the order they were logged (a row id, not the channel's clock). As
/// MemoryTranscriptStore does, a <c>messageUpdate</c> replaces the logged activity with that id (keeping
/// its type and timestamps), a <c>messageDelete</c> replaces it with a tombstone, and either is
/// dropped when no activity with that id was logged. Pages hold <see cref="PageSize"/> items; the
/// continuation token is the row id of the page's last item.
/// Appends are group-committed: activities logged at about the same time (a turn's message and
/// its replies, or several conversations' turns) are written in one transaction by one writer,
/// instead of one transaction each competing with the turns for the file's write lock. The task
/// an append returns completes when it is queued; reads, edits and deletes wait for the
/// appends logged before them to be committed. An append returns once queued: a crash of the process can lose the
/// last few milliseconds of transcript, never bot state.
/// </remarks>
public sealed class SqliteTranscriptStore : ITranscriptStore, IAsyncDisposable
{
    public const int PageSize = 20;

    // As the Bot Framework writes activities (nulls left out, no depth limit: cards nest deeply);
    // strings that look like dates inside channelData or attachments are kept as they were sent.
    private static readonly JsonSerializerSettings ActivityJson = new()
    {
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.None,
        MaxDepth = null,
    };

    // Enough to absorb bursts; beyond it, logging waits for the writer rather than growing memory.
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 256;

    private readonly SqliteDatabase _database;
    private readonly Channel<PendingAppend> _appends = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _writer;
    private readonly ILogger _logger;

    /// <summary>Transcripts in the SQLite file at <paramref name="databasePath"/> (created if missing).</summary>
    public SqliteTranscriptStore(string databasePath)
        : this(new SqliteDatabase(databasePath))
    {
    }

    /// <summary>Transcripts in a database shared with the bot's other stores.</summary>
    public SqliteTranscriptStore(SqliteDatabase database, ILogger<SqliteTranscriptStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _writer = Task.Run(WriteAppendsAsync);
    }

    /// <summary>Writes what is queued and stops the writer (the host disposes the store on shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer;
    }

    public Task LogActivityAsync(IActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var channelId = activity.ChannelId
            ?? throw new ArgumentException("The activity has no channelId, so it belongs to no transcript.", nameof(activity));
        var conversationId = activity.Conversation?.Id
            ?? throw new ArgumentException("The activity has no conversation id, so it belongs to no transcript.", nameof(activity));

        return activity.Type switch
        {
            ActivityTypes.MessageUpdate => ReplaceAsync(channelId, conversationId, activity.Id, original => Updated(original, activity)),
            ActivityTypes.MessageDelete => ReplaceAsync(channelId, conversationId, activity.Id, Tombstone),
            _ => AppendAsync(channelId, conversationId, activity),
        };
    }

    public async Task<PagedResult<IActivity>> GetTranscriptActivitiesAsync(string channelId, string conversationId, string? continuationToken = null, DateTimeOffset startDate = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(conversationId);
        var afterRowId = ParseContinuationToken(continuationToken);
        await FlushAsync();

        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT row_id, activity FROM transcript_activities
            WHERE channel_id = $channelId AND conversation_id = $conversationId AND row_id > $afterRowId AND timestamp >= $startDate
            ORDER BY row_id
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$channelId", channelId);
        command.Parameters.AddWithValue("$conversationId", conversationId);
        command.Parameters.AddWithValue("$afterRowId", afterRowId);
        command.Parameters.AddWithValue("$startDate", SqliteDatabase.FormatTimestamp(startDate));
        command.Parameters.AddWithValue("$limit", PageSize + 1);

        var rows = new List<(long RowId, IActivity Activity)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), DeserializeActivity(reader.GetString(1))));
        }

        return Page(rows, row => row.Activity, row => row.RowId);
    }

    public async Task<PagedResult<TranscriptInfo>> ListTranscriptsAsync(string channelId, string? continuationToken = null)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        var afterRowId = ParseContinuationToken(continuationToken);
        await FlushAsync();

        // A transcript is known by its first activity: that row gives its creation time and its place in the list.
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT row_id, conversation_id, timestamp FROM transcript_activities
            WHERE row_id IN (SELECT MIN(row_id) FROM transcript_activities WHERE channel_id = $channelId GROUP BY conversation_id)
                AND row_id > $afterRowId
            ORDER BY row_id
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$channelId", channelId);
        command.Parameters.AddWithValue("$afterRowId", afterRowId);
        command.Parameters.AddWithValue("$limit", PageSize + 1);

        var rows = new List<(long RowId, TranscriptInfo Transcript)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var transcript = new TranscriptInfo
            {
                ChannelId = channelId,
                Id = reader.GetString(1),
                Created = SqliteDatabase.ParseTimestamp(reader.GetString(2)),
            };
            rows.Add((reader.GetInt64(0), transcript));
        }

        return Page(rows, row => row.Transcript, row => row.RowId);
    }

    public async Task DeleteTranscriptAsync(string channelId, string conversationId)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(conversationId);
        await FlushAsync();

        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM transcript_activities WHERE channel_id = $channelId AND conversation_id = $conversationId";
        command.Parameters.AddWithValue("$channelId", channelId);
        command.Parameters.AddWithValue("$conversationId", conversationId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Queues an activity already serialised by the caller (TranscriptRecorderMiddleware), so that
    /// recording a turn costs one serialisation per activity rather than a clone and another.
    /// </summary>
    public ValueTask AppendSerializedAsync(string channelId, string conversationId, string? activityId, DateTimeOffset timestamp, string json) =>
        _appends.Writer.WriteAsync(new PendingAppend(channelId, conversationId, activityId, SqliteDatabase.FormatTimestamp(timestamp), json));

    /// <summary>How the store serialises activities; a caller handing it JSON uses the same.</summary>
    public static string Serialize(IActivity activity) => JsonConvert.SerializeObject(activity, ActivityJson);

    // Queued, not committed: TranscriptLoggerMiddleware logs a turn's activities one after
    // another, and waiting for each commit would serialise them and spoil the batching.
    // Serialised now: the caller may change the activity after this returns.
    private Task AppendAsync(string channelId, string conversationId, IActivity activity) =>
        AppendSerializedAsync(channelId, conversationId, activity.Id, activity.Timestamp ?? DateTimeOffset.UtcNow, Serialize(activity)).AsTask();

    /// <summary>Completes when every append logged before it is committed.</summary>
    private async Task FlushAsync()
    {
        var barrier = PendingAppend.Barrier();
        if (_appends.Writer.TryWrite(barrier) || await WriteOrClosedAsync(barrier))
        {
            await barrier.Committed.Task;
        }
    }

    private async Task<bool> WriteOrClosedAsync(PendingAppend append)
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
        var batch = new List<PendingAppend>(MaxBatch);
        while (await _appends.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _appends.Reader.TryRead(out var append))
            {
                batch.Add(append);
            }

            try
            {
                await InsertAsync(batch.Where(a => !a.IsBarrier));
                batch.ForEach(a => a.Committed.TrySetResult());
            }
            catch (Exception ex)
            {
                // The writer goes on; a flush waiting on this batch sees the failure.
                _logger.LogError(ex, "Could not write {Count} transcript activities to {Database}", batch.Count(a => !a.IsBarrier), _database.Path);
                batch.ForEach(a => a.Committed.TrySetException(ex));
            }
        }
    }

    private Task InsertAsync(IEnumerable<PendingAppend> appends) =>
        _database.Writer.WriteAsync(batch =>
        {
            foreach (var append in appends)
            {
                var insert = batch.Command("""
                    INSERT INTO transcript_activities (channel_id, conversation_id, activity_id, timestamp, activity)
                    VALUES ($channelId, $conversationId, $activityId, $timestamp, $activity)
                    """);
                insert.Parameters.AddWithValue("$channelId", append.ChannelId);
                insert.Parameters.AddWithValue("$conversationId", append.ConversationId);
                insert.Parameters.AddWithValue("$activityId", (object?)append.ActivityId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$timestamp", append.Timestamp);
                insert.Parameters.AddWithValue("$activity", append.Json);
                insert.ExecuteNonQuery();
            }
        });

    /// <summary>Rewrites the first logged activity with that id, in place, so the transcript keeps its order.</summary>
    private async Task ReplaceAsync(string channelId, string conversationId, string? activityId, Func<Activity, Activity> replace)
    {
        if (activityId is null)
        {
            return;
        }

        await FlushAsync();
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);

        // Read and rewrite under the write lock, so two edits of one message cannot overwrite each other.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = """
            SELECT row_id, activity FROM transcript_activities
            WHERE channel_id = $channelId AND conversation_id = $conversationId AND activity_id = $activityId
            ORDER BY row_id
            LIMIT 1
            """;
        find.Parameters.AddWithValue("$channelId", channelId);
        find.Parameters.AddWithValue("$conversationId", conversationId);
        find.Parameters.AddWithValue("$activityId", activityId);

        long rowId;
        Activity original;
        await using (var reader = await find.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return;
            }

            rowId = reader.GetInt64(0);
            original = DeserializeActivity(reader.GetString(1));
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE transcript_activities SET activity = $activity WHERE row_id = $rowId";
        update.Parameters.AddWithValue("$activity", JsonConvert.SerializeObject(replace(original), ActivityJson));
        update.Parameters.AddWithValue("$rowId", rowId);
        await update.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static Activity Updated(Activity original, IActivity update)
    {
        // A copy, so that the caller's activity is left as it was.
        var updated = DeserializeActivity(JsonConvert.SerializeObject(update, ActivityJson));
        updated.Type = original.Type;
        updated.Timestamp = original.Timestamp;
        updated.LocalTimestamp = original.LocalTimestamp;
        return updated;
    }

    // What MemoryTranscriptStore keeps of a deleted message: where and when it was, who in which role, no content.
    private static Activity Tombstone(Activity original) => new()
    {
        Type = ActivityTypes.MessageDelete,
        Id = original.Id,
        From = new ChannelAccount(id: "deleted", role: original.From?.Role),
        Recipient = new ChannelAccount(id: "deleted", role: original.Recipient?.Role),
        Locale = original.Locale,
        LocalTimestamp = original.Timestamp,
        Timestamp = original.Timestamp,
        ChannelId = original.ChannelId,
        Conversation = original.Conversation,
        ServiceUrl = original.ServiceUrl,
        ReplyToId = original.ReplyToId,
    };

    private sealed record PendingAppend(string ChannelId, string ConversationId, string? ActivityId, string Timestamp, string? Json)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsBarrier => Json is null;

        public static PendingAppend Barrier() => new(string.Empty, string.Empty, null, string.Empty, null);
    }

    private static Activity DeserializeActivity(string json) =>
        JsonConvert.DeserializeObject<Activity>(json, ActivityJson)
        ?? throw new InvalidDataException("A transcript row holds no activity.");

    private static long ParseContinuationToken(string? continuationToken)
    {
        if (string.IsNullOrEmpty(continuationToken))
        {
            return 0;
        }

        return long.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out var rowId)
            ? rowId
            : throw new ArgumentException($"'{continuationToken}' is not a continuation token from this store.", nameof(continuationToken));
    }

    private static PagedResult<T> Page<TRow, T>(List<TRow> rows, Func<TRow, T> item, Func<TRow, long> rowId)
    {
        // One row more than a page was asked for: its presence alone says there is a next page.
        var page = rows.Take(PageSize).ToList();
        return new PagedResult<T>
        {
            Items = page.Select(item).ToArray(),
            ContinuationToken = rows.Count > PageSize ? rowId(page[^1]).ToString(CultureInfo.InvariantCulture) : null,
        };
    }
}
