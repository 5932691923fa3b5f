using SupportBot.Testing;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL conversation search passes the contract over a fresh database per test.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlConversationSearchContractTests : ConversationSearchContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override ConversationSearchStores CreateStores()
    {
        var database = _database!.Open();
        var questions = new PostgreSqlQuestionInsights(database);
        return new ConversationSearchStores(
            questions, new PostgreSqlTicketStore(database, new PostgreSqlTicketOutbox(database), TimeProvider.System), new PostgreSqlConversationSearch(database, questions));
    }
}
