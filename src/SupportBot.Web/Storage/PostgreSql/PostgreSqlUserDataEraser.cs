using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Erases a user from the PostgreSQL database in one transaction, whichever replica is asked.</summary>
public sealed class PostgreSqlUserDataEraser(PostgreSqlDatabase database, PostgreSqlTranscriptStore transcripts, PostgreSqlQuestionInsights questions) : IUserDataEraser
{
    // The user's conversations are found once; every statement then takes the list as one text[].
    private const string FindConversations = """
        SELECT conversation_id FROM transcript_activities WHERE channel_id = $1 AND activity::json -> 'from' ->> 'id' = $2
        UNION SELECT conversation_id FROM tickets WHERE channel_id = $1 AND user_id = $2
        UNION SELECT conversation_id FROM directline_conversations WHERE $1 = $3 AND user_id = $2
        UNION SELECT conversation_id FROM handoffs WHERE channel_id = $1 AND user_id = $2
        """;

    public async Task<UserErasure> EraseUserAsync(string channelId, string userId, CancellationToken cancellationToken = default)
    {
        // Only this replica's queues: another replica's queued writes land after the erasure (docs/privacy.md).
        await transcripts.FlushQueuedAsync();
        await questions.FlushQueuedAsync();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var conversations = new List<string>();
        await using (var find = connection.Command(FindConversations, channelId, userId, DirectLineChannel.ChannelId))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                conversations.Add(reader.GetString(0));
            }
        }

        var ids = conversations.ToArray();
        async Task<int> RunAsync(string sql, params object?[] values)
        {
            await using var command = connection.Command(sql, values);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var onDirectLine = channelId == DirectLineChannel.ChannelId;
        var state = await RunAsync("DELETE FROM bot_state WHERE state_key = ANY($1)", [UserErasureRules.StateKeys(channelId, userId, conversations).ToArray()]);
        var transcriptActivities = await RunAsync("DELETE FROM transcript_activities WHERE channel_id = $1 AND conversation_id = ANY($2)", channelId, ids);
        var directLine = onDirectLine
            ? await RunAsync("DELETE FROM directline_activities WHERE conversation_id = ANY($1)", [ids])
                + await RunAsync("DELETE FROM directline_conversations WHERE conversation_id = ANY($1)", [ids])
            : 0;
        var questionRows = await RunAsync("DELETE FROM asked_questions WHERE conversation_id = ANY($1)", [ids]);
        var tickets = await RunAsync(
            """
            UPDATE tickets SET email = $3, summary = NULL, user_id = NULL, user_name = NULL, questions = '[]', transcript = '[]'
            WHERE channel_id = $1 AND user_id = $2
            """,
            channelId,
            userId,
            UserErasureRules.ErasedEmail);

        // A handoff keeps its status, agent, times and score: the dashboard's figures name nobody.
        var handoffs = await RunAsync(
            "DELETE FROM handoff_activities WHERE handoff_id IN (SELECT id FROM handoffs WHERE channel_id = $1 AND conversation_id = ANY($2))", channelId, ids)
            + await RunAsync(
                """
                UPDATE handoffs SET user_id = NULL, user_name = NULL, conversation_reference = $3, questions = '[]'
                WHERE channel_id = $1 AND conversation_id = ANY($2)
                """,
                channelId,
                ids,
                UserErasureRules.ErasedConversationReference);

        await transaction.CommitAsync(cancellationToken);
        return new UserErasure(state, transcriptActivities, directLine, questionRows, tickets, handoffs);
    }
}
