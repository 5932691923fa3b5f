using SupportBot.Bot.Insights;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>The Conversations view's search over the SQLite file's question log and tickets (ASCII letters match in any case; other scripts, such as Hangul, have none).</summary>
public sealed class SqliteConversationSearch(SqliteDatabase database, SqliteQuestionInsights questions) : IConversationSearch
{
    private static readonly ConversationSql.Dialect Sqlite = new("LIKE", string.Empty, t => SqliteDatabase.FormatTimestamp(t));

    public async Task<ConversationSearchPage> SearchAsync(ConversationQuery query, CancellationToken cancellationToken = default)
    {
        var (sql, values) = ConversationSql.Search(query, Sqlite);
        await questions.FlushQueuedAsync();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.AddWithValue($"${i + 1}", values[i]);
        }

        return await ConversationSql.ReadPageAsync(command, query.Limit, (r, i) => SqliteDatabase.ParseTimestamp(r.GetString(i)), cancellationToken);
    }

    public async Task<IReadOnlyList<AskedQuestion>> QuestionsAsync(string channelId, string conversationId, CancellationToken cancellationToken = default)
    {
        await questions.FlushQueuedAsync();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ConversationSql.Questions;
        command.Parameters.AddWithValue("$1", channelId);
        command.Parameters.AddWithValue("$2", conversationId);
        return await ConversationSql.ReadAllAsync(command, SqliteQuestionInsights.Read, cancellationToken);
    }
}
