using System.Text.Json;
using Microsoft.Data.Sqlite;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>Erases a user from the SQLite file in one job of its single writer: found and erased in one transaction.</summary>
public sealed class SqliteUserDataEraser(SqliteDatabase database, SqliteTranscriptStore transcripts, SqliteQuestionInsights questions) : IUserDataEraser
{
    // The id lists go in as one JSON array parameter, so each statement's text (and prepared command) is fixed.
    private const string InIds = "IN (SELECT value FROM json_each($ids))";

    private const string FindConversations = """
        SELECT conversation_id FROM transcript_activities WHERE channel_id = $channel AND json_extract(activity, '$.from.id') = $user
        UNION SELECT conversation_id FROM tickets WHERE channel_id = $channel AND user_id = $user
        UNION SELECT conversation_id FROM directline_conversations WHERE $channel = $directLine AND user_id = $user
        UNION SELECT conversation_id FROM handoffs WHERE channel_id = $channel AND user_id = $user
        """;

    public async Task<UserErasure> EraseUserAsync(string channelId, string userId, CancellationToken cancellationToken = default)
    {
        await transcripts.FlushQueuedAsync();
        await questions.FlushQueuedAsync();
        return await database.Writer.WriteAsync(batch => Erase(batch, channelId, userId), cancellationToken);
    }

    private static UserErasure Erase(SqliteWriteBatch batch, string channelId, string userId)
    {
        var conversations = new List<string>();
        var find = Bound(batch.Command(FindConversations), channelId, userId, null);
        using (var reader = find.ExecuteReader())
        {
            while (reader.Read())
            {
                conversations.Add(reader.GetString(0));
            }
        }

        var ids = JsonSerializer.Serialize(conversations);
        int Run(string sql, string? list = null) => Bound(batch.Command(sql), channelId, userId, list ?? ids).ExecuteNonQuery();

        var state = Run($"DELETE FROM bot_state WHERE state_key {InIds}", JsonSerializer.Serialize(UserErasureRules.StateKeys(channelId, userId, conversations)));
        var transcripts = Run($"DELETE FROM transcript_activities WHERE channel_id = $channel AND conversation_id {InIds}");
        var directLine = Run($"DELETE FROM directline_activities WHERE $channel = $directLine AND conversation_id {InIds}")
            + Run($"DELETE FROM directline_conversations WHERE $channel = $directLine AND conversation_id {InIds}");
        var questions = Run($"DELETE FROM asked_questions WHERE conversation_id {InIds}");
        var tickets = Run("""
            UPDATE tickets SET email = $erasedEmail, summary = NULL, user_id = NULL, user_name = NULL, questions = '[]', transcript = '[]'
            WHERE channel_id = $channel AND user_id = $user
            """);
        // A handoff keeps its status, agent, times and score: the dashboard's figures name nobody.
        var handoffs = Run($"""
            DELETE FROM handoff_activities WHERE handoff_id IN (SELECT id FROM handoffs WHERE channel_id = $channel AND conversation_id {InIds})
            """)
            + Run($"""
            UPDATE handoffs SET user_id = NULL, user_name = NULL, conversation_reference = $erasedReference, questions = '[]'
            WHERE channel_id = $channel AND conversation_id {InIds}
            """);
        return new UserErasure(state, transcripts, directLine, questions, tickets, handoffs);
    }

    // Every statement gets every parameter; SQLite ignores the ones its text does not name.
    private static SqliteCommand Bound(SqliteCommand command, string channelId, string userId, string? ids)
    {
        command.Parameters.AddWithValue("$channel", channelId);
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$directLine", DirectLineChannel.ChannelId);
        command.Parameters.AddWithValue("$erasedEmail", UserErasureRules.ErasedEmail);
        command.Parameters.AddWithValue("$erasedReference", UserErasureRules.ErasedConversationReference);
        command.Parameters.AddWithValue("$ids", (object?)ids ?? DBNull.Value);
        return command;
    }
}
