using Microsoft.Bot.Schema;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Conversations and activities in PostgreSQL, shared by every replica, beside the bot's state.</summary>
/// <remarks>
/// An append raises the conversation's last watermark and inserts the activity in one statement
/// (one round trip); the raise locks the conversation's row until the commit, so appends from
/// several replicas get gap-free watermarks in commit order, and a reader after watermark n never
/// misses one committed before.
/// </remarks>
public sealed class PostgreSqlDirectLineStore(PostgreSqlDatabase database) : IDirectLineStore
{
    public async Task<bool> TryStartAsync(DirectLineConversation conversation, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO directline_conversations (conversation_id, user_id, started_at) VALUES ($1, $2, $3)
            ON CONFLICT (conversation_id) DO NOTHING
            """,
            conversation.Id,
            conversation.UserId,
            conversation.StartedAt.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<DirectLineConversation?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT user_id, started_at FROM directline_conversations WHERE conversation_id = $1", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DirectLineConversation(conversationId, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    }

    public async Task<StoredActivity> AppendAsync(string conversationId, Activity activity, CancellationToken cancellationToken)
    {
        // The id holds the watermark, which only the database knows: the JSON goes with a unique
        // stand-in where the padded watermark goes, replaced in the same statement.
        var standIn = Guid.NewGuid().ToString("N");
        var provisionalId = $"{conversationId}|{standIn}";
        activity.Id = provisionalId;
        var json = ActivityJson.Serialize(activity);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var append = connection.Command(
            """
            WITH next AS (
                UPDATE directline_conversations SET last_watermark = last_watermark + 1
                WHERE conversation_id = $1 RETURNING last_watermark
            )
            INSERT INTO directline_activities (conversation_id, watermark, activity)
            SELECT $1, last_watermark, replace($2, $3, lpad(last_watermark::text, greatest(7, length(last_watermark::text)), '0'))
            FROM next
            RETURNING watermark
            """,
            conversationId,
            json,
            standIn);
        if (await append.ExecuteScalarAsync(cancellationToken) is not long watermark)
        {
            throw new ConversationNotFoundException(conversationId);
        }

        activity.Id = ActivityJson.ActivityId(conversationId, watermark);
        return new StoredActivity(watermark, json.Replace(provisionalId, activity.Id, StringComparison.Ordinal));
    }

    public async Task<ActivityPage> ReadAsync(string conversationId, long watermark, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        // One statement, so one snapshot: the last watermark and the rows agree. The outer join
        // keeps the conversation's row when no activity follows the watermark.
        await using var read = connection.Command(
            """
            SELECT c.last_watermark, a.watermark, a.activity
            FROM directline_conversations c
            LEFT JOIN LATERAL (
                SELECT watermark, activity FROM directline_activities
                WHERE conversation_id = c.conversation_id AND watermark > $2
                ORDER BY watermark LIMIT $3
            ) a ON true
            WHERE c.conversation_id = $1
            ORDER BY a.watermark
            """,
            conversationId,
            watermark,
            limit);
        long? lastWatermark = null;
        var activities = new List<StoredActivity>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                lastWatermark = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    activities.Add(new StoredActivity(reader.GetInt64(1), reader.GetString(2)));
                }
            }
        }

        if (lastWatermark is not { } last)
        {
            throw new ConversationNotFoundException(conversationId);
        }

        return new ActivityPage(activities, activities.Count > 0 ? activities[^1].Watermark : Math.Clamp(watermark, 0, last));
    }
}
