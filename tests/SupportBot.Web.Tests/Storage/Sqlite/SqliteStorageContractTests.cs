using Microsoft.Bot.Builder;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>SqliteStorage over a fresh temporary file per test.</summary>
public sealed class SqliteStorageContractTests : StorageContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    protected override IStorage CreateStorage() => new SqliteStorage(_database.Path);

    public void Dispose() => _database.Dispose();
}
