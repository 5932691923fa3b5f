using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json;

namespace SupportBot.Bot.Storage;

/// <summary>Every activity of every conversation, in the bot's SQLite file, for handoff and admin views; record with <c>new TranscriptLoggerMiddleware(store)</c>.</summary>
/// <remarks>
/// Activities come back in the order they were logged (a row id, not the channel's clock). As
/// MemoryTranscriptStore does, a <c>messageUpdate</c> replaces the logged activity with that id (keeping
/// its type and timestamps), a <c>messageDelete</c> replaces it with a tombstone, and either is
/// dropped when no activity with that id was logged. Pages hold <see cref="PageSize"/> items; the
/// continuation token is the row id of the page's last item.
/// </remarks>
public sealed class SqliteTranscriptStore : ITranscriptStore
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

    private readonly SqliteDatabase _database;

    /// <summary>Transcripts in the SQLite file at <paramref name="databasePath"/> (created if missing).</summary>
    public SqliteTranscriptStore(string databasePath)
        : this(new SqliteDatabase(databasePath))
    {
    }

    /// <summary>Transcripts in a database shared with the bot's other stores.</summary>
    public SqliteTranscriptStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
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

        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM transcript_activities WHERE channel_id = $channelId AND conversation_id = $conversationId";
        command.Parameters.AddWithValue("$channelId", channelId);
        command.Parameters.AddWithValue("$conversationId", conversationId);
        await command.ExecuteNonQueryAsync();
    }

    private async Task AppendAsync(string channelId, string conversationId, IActivity activity)
    {
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO transcript_activities (channel_id, conversation_id, activity_id, timestamp, activity)
            VALUES ($channelId, $conversationId, $activityId, $timestamp, $activity)
            """;
        command.Parameters.AddWithValue("$channelId", channelId);
        command.Parameters.AddWithValue("$conversationId", conversationId);
        command.Parameters.AddWithValue("$activityId", (object?)activity.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("$timestamp", SqliteDatabase.FormatTimestamp(activity.Timestamp ?? DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$activity", JsonConvert.SerializeObject(activity, ActivityJson));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rewrites the first logged activity with that id, in place, so the transcript keeps its order.</summary>
    private async Task ReplaceAsync(string channelId, string conversationId, string? activityId, Func<Activity, Activity> replace)
    {
        if (activityId is null)
        {
            return;
        }

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
