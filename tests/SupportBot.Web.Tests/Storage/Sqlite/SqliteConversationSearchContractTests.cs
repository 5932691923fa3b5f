using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite conversation search passes the contract over a fresh file per test.</summary>
public sealed class SqliteConversationSearchContractTests : ConversationSearchContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override ConversationSearchStores CreateStores()
    {
        var database = new SqliteDatabase(_database.Path);
        var questions = new SqliteQuestionInsights(database);
        return new ConversationSearchStores(
            questions, new SqliteTicketStore(database, new SqliteTicketOutbox(database), TimeProvider.System), new SqliteConversationSearch(database, questions));
    }
}
