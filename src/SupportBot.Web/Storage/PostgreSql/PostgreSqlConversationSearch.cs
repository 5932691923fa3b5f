using SupportBot.Bot.Insights;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>The Conversations view's search over the shared database's question log and tickets (ILIKE: case-insensitive in every script).</summary>
public sealed class PostgreSqlConversationSearch(PostgreSqlDatabase database, PostgreSqlQuestionInsights questions) : IConversationSearch
{
    private static readonly ConversationSql.Dialect PostgreSql = new("ILIKE", "COLLATE \"C\"", t => t.ToUniversalTime());

    public async Task<ConversationSearchPage> SearchAsync(ConversationQuery query, CancellationToken cancellationToken = default)
    {
        var (sql, values) = ConversationSql.Search(query, PostgreSql);
        await questions.FlushQueuedAsync();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(sql, [.. values]);
        return await ConversationSql.ReadPageAsync(command, query.Limit, (r, i) => r.GetFieldValue<DateTimeOffset>(i), cancellationToken);
    }

    public async Task<IReadOnlyList<AskedQuestion>> QuestionsAsync(string channelId, string conversationId, CancellationToken cancellationToken = default)
    {
        await questions.FlushQueuedAsync();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(ConversationSql.Questions, channelId, conversationId);
        return await ConversationSql.ReadAllAsync(command, PostgreSqlQuestionInsights.Read, cancellationToken);
    }
}
