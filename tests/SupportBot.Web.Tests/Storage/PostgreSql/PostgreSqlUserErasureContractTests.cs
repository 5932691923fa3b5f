using SupportBot.Testing;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL eraser passes the erasure contract over a fresh database per test.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlUserErasureContractTests : UserErasureContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override ErasureStores CreateStores()
    {
        var database = _database!.Open();
        var (transcripts, questions) = (new PostgreSqlTranscriptStore(database), new PostgreSqlQuestionInsights(database));
        return new ErasureStores(
            new PostgreSqlStorage(database),
            transcripts,
            new PostgreSqlTicketStore(database, new PostgreSqlTicketOutbox(database), TimeProvider.System),
            questions,
            new PostgreSqlDirectLineStore(database),
            new PostgreSqlUserDataEraser(database, transcripts, questions),
            new PostgreSqlHandoffStore(database));
    }
}
