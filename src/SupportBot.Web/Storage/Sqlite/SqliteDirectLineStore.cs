using Microsoft.Bot.Schema;
using Microsoft.Data.Sqlite;
using SupportBot.Bot.Storage;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>Conversations and activities in the bot's SQLite file, beside its state and transcripts.</summary>
/// <remarks>
/// Each conversation row holds its last watermark; an append raises it and inserts the activity in
/// one immediate transaction, so watermarks are gap-free and in commit order even with several
/// processes on one file, and a reader after watermark n never misses one committed before.
/// </remarks>
public sealed class SqliteDirectLineStore(SqliteDatabase database) : IDirectLineStore
{
    public async Task<bool> TryStartAsync(DirectLineConversation conversation, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO directline_conversations (conversation_id, user_id, started_at) VALUES ($id, $user, $started)
            ON CONFLICT (conversation_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", conversation.Id);
        command.Parameters.AddWithValue("$user", conversation.UserId);
        command.Parameters.AddWithValue("$started", SqliteDatabase.FormatTimestamp(conversation.StartedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<DirectLineConversation?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT user_id, started_at FROM directline_conversations WHERE conversation_id = $id";
        command.Parameters.AddWithValue("$id", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DirectLineConversation(conversationId, reader.GetString(0), SqliteDatabase.ParseTimestamp(reader.GetString(1)))
            : null;
    }

    // Through the database's one writer, like the bot's state: an append of its own took SQLite's
    // write lock beside the writer's batches and waited in the busy handler under load.
    public Task<StoredActivity> AppendAsync(string conversationId, Activity activity, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(batch =>
        {
            var next = batch.Command("""
                UPDATE directline_conversations SET last_watermark = last_watermark + 1
                WHERE conversation_id = $id RETURNING last_watermark
                """);
            next.Parameters.AddWithValue("$id", conversationId);
            if (next.ExecuteScalar() is not long watermark)
            {
                throw new ConversationNotFoundException(conversationId);
            }

            activity.Id = ActivityJson.ActivityId(conversationId, watermark);
            var insert = batch.Command("INSERT INTO directline_activities (conversation_id, watermark, activity) VALUES ($id, $watermark, $activity)");
            insert.Parameters.AddWithValue("$id", conversationId);
            insert.Parameters.AddWithValue("$watermark", watermark);
            var json = ActivityJson.Serialize(activity);
            insert.Parameters.AddWithValue("$activity", json);
            insert.ExecuteNonQuery();
            return new StoredActivity(watermark, json);
        }, cancellationToken);

    public async Task<ActivityPage> ReadAsync(string conversationId, long watermark, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);

        // One snapshot for both reads: the last watermark and the rows agree.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT last_watermark FROM directline_conversations WHERE conversation_id = $id";
        last.Parameters.AddWithValue("$id", conversationId);
        if (await last.ExecuteScalarAsync(cancellationToken) is not long lastWatermark)
        {
            throw new ConversationNotFoundException(conversationId);
        }

        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = """
            SELECT watermark, activity FROM directline_activities
            WHERE conversation_id = $id AND watermark > $after ORDER BY watermark LIMIT $limit
            """;
        read.Parameters.AddWithValue("$id", conversationId);
        read.Parameters.AddWithValue("$after", watermark);
        read.Parameters.AddWithValue("$limit", limit);
        var activities = new List<StoredActivity>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                activities.Add(new StoredActivity(reader.GetInt64(0), reader.GetString(1)));
            }
        }

        return new ActivityPage(activities, activities.Count > 0 ? activities[^1].Watermark : Math.Clamp(watermark, 0, lastWatermark));
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenConnectionAsync(cancellationToken);
}
