using Microsoft.Bot.Builder;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite retention passes the contract over a fresh file per test.</summary>
public sealed class SqliteRetentionContractTests : DatabaseRetentionContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override RetentionStores CreateStores(TimeProvider time)
    {
        var database = new SqliteDatabase(_database.Path);
        var outbox = new SqliteTicketOutbox(database);
        return new RetentionStores(
            new SqliteRetention(database),
            new SqliteQuestionInsights(database),
            new SqliteDirectLineStore(database),
            new SqliteTicketStore(database, outbox, time),
            outbox,
            new SqliteHandoffStore(database));
    }

    protected override ITranscriptStore CreateTranscripts() => new SqliteTranscriptStore(_database.Path);

    protected override IStorage CreateState() => new SqliteStorage(new SqliteDatabase(_database.Path));
}
