using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Bot.Storage;

namespace SupportBot.Web.Storage.Sqlite;

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
public sealed class SqliteTranscriptStore : IBatchedTranscriptStore, IAsyncDisposable
{
    public const int PageSize = TranscriptPages.PageSize;

    private readonly SqliteDatabase _database;
    private readonly WriteBehindQueue<TranscriptAppend> _appends;

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
        _appends = new WriteBehindQueue<TranscriptAppend>(InsertAsync, (ILogger?)logger ?? NullLogger.Instance, "transcript activities", database.Path);
    }

    /// <summary>Writes what is queued and stops the writer (the host disposes the store on shutdown).</summary>
    public ValueTask DisposeAsync() => _appends.DisposeAsync();

    public Task LogActivityAsync(IActivity activity)
    {
        var (channelId, conversationId) = TranscriptJson.Place(activity);

        return activity.Type switch
        {
            ActivityTypes.MessageUpdate => ReplaceAsync(channelId, conversationId, activity.Id, original => TranscriptJson.Updated(original, activity)),
            ActivityTypes.MessageDelete => ReplaceAsync(channelId, conversationId, activity.Id, TranscriptJson.Tombstone),
            _ => AppendAsync(channelId, conversationId, activity),
        };
    }

    public async Task<PagedResult<IActivity>> GetTranscriptActivitiesAsync(string channelId, string conversationId, string? continuationToken = null, DateTimeOffset startDate = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(conversationId);
        var afterRowId = TranscriptPages.ParseContinuationToken(continuationToken);
        await _appends.FlushAsync();

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
            rows.Add((reader.GetInt64(0), TranscriptJson.Deserialize(reader.GetString(1))));
        }

        return TranscriptPages.Page(rows, row => row.Activity, row => row.RowId);
    }

    public async Task<PagedResult<TranscriptInfo>> ListTranscriptsAsync(string channelId, string? continuationToken = null)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        var afterRowId = TranscriptPages.ParseContinuationToken(continuationToken);
        await _appends.FlushAsync();

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

        return TranscriptPages.Page(rows, row => row.Transcript, row => row.RowId);
    }

    public async Task DeleteTranscriptAsync(string channelId, string conversationId)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(conversationId);
        await _appends.FlushAsync();

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
    public ValueTask AppendSerializedAsync(TranscriptAppend append) => _appends.AppendAsync(append);

    // Queued, not committed: TranscriptLoggerMiddleware logs a turn's activities one after
    // another, and waiting for each commit would serialise them and spoil the batching.
    // Serialised now: the caller may change the activity after this returns.
    private Task AppendAsync(string channelId, string conversationId, IActivity activity) =>
        _appends.AppendAsync(new TranscriptAppend(channelId, conversationId, activity.Id, activity.Timestamp ?? DateTimeOffset.UtcNow, TranscriptJson.Serialize(activity))).AsTask();

    private Task InsertAsync(IReadOnlyList<TranscriptAppend> appends) =>
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
                insert.Parameters.AddWithValue("$timestamp", SqliteDatabase.FormatTimestamp(append.Timestamp));
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

        await _appends.FlushAsync();
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
            original = TranscriptJson.Deserialize(reader.GetString(1));
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE transcript_activities SET activity = $activity WHERE row_id = $rowId";
        update.Parameters.AddWithValue("$activity", TranscriptJson.Serialize(replace(original)));
        update.Parameters.AddWithValue("$rowId", rowId);
        await update.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    // Erasure (IUserDataEraser): what this process queued is written before a user is erased, so that it is erased too.

    /// <summary>Writes what is queued behind the turns now.</summary>
    internal Task FlushQueuedAsync() => _appends.FlushAsync();
}
