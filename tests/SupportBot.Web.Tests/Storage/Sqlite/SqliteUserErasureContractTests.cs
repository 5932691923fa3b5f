using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite eraser passes the erasure contract over a fresh file per test.</summary>
public sealed class SqliteUserErasureContractTests : UserErasureContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override ErasureStores CreateStores()
    {
        var database = new SqliteDatabase(_database.Path);
        var (transcripts, questions) = (new SqliteTranscriptStore(database), new SqliteQuestionInsights(database));
        return new ErasureStores(
            new SqliteStorage(database),
            transcripts,
            new SqliteTicketStore(database, new SqliteTicketOutbox(database), TimeProvider.System),
            questions,
            new SqliteDirectLineStore(database),
            new SqliteUserDataEraser(database, transcripts, questions),
            new SqliteHandoffStore(database));
    }
}
