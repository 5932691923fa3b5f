using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SupportBot.Bot.Storage;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Every activity of every conversation in PostgreSQL: the same contract as <see cref="SqliteTranscriptStore"/>, shared by the replicas.</summary>
/// <remarks>
/// Appends are queued and written in batches by one background writer per replica (one binary
/// COPY per batch), never on a turn's path. Reads, edits and deletes first wait for this
/// replica's earlier appends to be committed. Rows are ordered by an identity column: in the
/// order they were committed, across replicas.
/// </remarks>
public sealed class PostgreSqlTranscriptStore : IBatchedTranscriptStore, IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly WriteBehindQueue<TranscriptAppend> _appends;

    public PostgreSqlTranscriptStore(PostgreSqlDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _appends = new WriteBehindQueue<TranscriptAppend>(InsertAsync, database.Loggers.CreateLogger<PostgreSqlTranscriptStore>(), "transcript activities", database.Name);
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
            _ => _appends.AppendAsync(new TranscriptAppend(channelId, conversationId, activity.Id, activity.Timestamp ?? DateTimeOffset.UtcNow, TranscriptJson.Serialize(activity))).AsTask(),
        };
    }

    public ValueTask AppendSerializedAsync(TranscriptAppend append) => _appends.AppendAsync(append);

    public async Task<PagedResult<IActivity>> GetTranscriptActivitiesAsync(string channelId, string conversationId, string? continuationToken = null, DateTimeOffset startDate = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(conversationId);
        var afterRowId = TranscriptPages.ParseContinuationToken(continuationToken);
        await _appends.FlushAsync();

        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.Command("""
            SELECT row_id, activity FROM transcript_activities
            WHERE channel_id = $1 AND conversation_id = $2 AND row_id > $3 AND timestamp >= $4
            ORDER BY row_id
            LIMIT $5
            """, channelId, conversationId, afterRowId, startDate.ToUniversalTime(), TranscriptPages.PageSize + 1);

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
        await using var command = connection.Command("""
            SELECT row_id, conversation_id, timestamp FROM transcript_activities
            WHERE row_id IN (SELECT MIN(row_id) FROM transcript_activities WHERE channel_id = $1 GROUP BY conversation_id)
                AND row_id > $2
            ORDER BY row_id
            LIMIT $3
            """, channelId, afterRowId, TranscriptPages.PageSize + 1);

        var rows = new List<(long RowId, TranscriptInfo Transcript)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var transcript = new TranscriptInfo
            {
                ChannelId = channelId,
                Id = reader.GetString(1),
                Created = reader.GetFieldValue<DateTimeOffset>(2),
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
        await using var command = connection.Command("DELETE FROM transcript_activities WHERE channel_id = $1 AND conversation_id = $2", channelId, conversationId);
        await command.ExecuteNonQueryAsync();
    }

    private async Task InsertAsync(IReadOnlyList<TranscriptAppend> appends)
    {
        // One COPY per batch: a single round trip however many activities gathered.
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY transcript_activities (channel_id, conversation_id, activity_id, timestamp, activity) FROM STDIN (FORMAT BINARY)");
        foreach (var append in appends)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(append.ChannelId, NpgsqlDbType.Text);
            await copy.WriteAsync(append.ConversationId, NpgsqlDbType.Text);
            if (append.ActivityId is null)
            {
                await copy.WriteNullAsync();
            }
            else
            {
                await copy.WriteAsync(append.ActivityId, NpgsqlDbType.Text);
            }

            await copy.WriteAsync(append.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(append.Json, NpgsqlDbType.Text);
        }

        await copy.CompleteAsync();
    }

    /// <summary>Rewrites the first logged activity with that id, in place, so the transcript keeps its order.</summary>
    private async Task ReplaceAsync(string channelId, string conversationId, string? activityId, Func<Activity, Activity> replace)
    {
        if (activityId is null)
        {
            return;
        }

        await _appends.FlushAsync();
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);

        // The row is locked from the read to the rewrite, so two edits of one message cannot overwrite each other.
        await using var transaction = await connection.BeginTransactionAsync();
        await using var find = connection.Command("""
            SELECT row_id, activity FROM transcript_activities
            WHERE channel_id = $1 AND conversation_id = $2 AND activity_id = $3
            ORDER BY row_id
            LIMIT 1
            FOR UPDATE
            """, channelId, conversationId, activityId);

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

        await using var update = connection.Command("UPDATE transcript_activities SET activity = $1 WHERE row_id = $2", TranscriptJson.Serialize(replace(original)), rowId);
        await update.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    // Erasure (IUserDataEraser): what this process queued is written before a user is erased, so that it is erased too.

    /// <summary>Writes what is queued behind the turns now.</summary>
    internal Task FlushQueuedAsync() => _appends.FlushAsync();
}
