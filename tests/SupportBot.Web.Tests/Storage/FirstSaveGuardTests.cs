using Microsoft.Bot.Builder;
using SupportBot.Bot.Storage;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// The first save of state nobody has stored yet only creates it: of two replicas that both read a
/// new conversation as empty, the second to save gets an ETag conflict instead of overwriting.
/// </summary>
public abstract class FirstSaveGuardTests
{
    private const string Key = "emulator/conversations/new-one";

    /// <summary>A storage over the test's database, as one replica has it; each call another replica.</summary>
    protected abstract IStorage Replica();

    [Fact]
    public async Task Of_two_replicas_creating_the_same_state_the_second_gets_a_conflict_and_the_first_is_kept()
    {
        var replicaA = new FirstSaveGuard(Replica());
        var replicaB = new FirstSaveGuard(Replica());
        var readByA = (IDictionary<string, object>)(await replicaA.ReadAsync([Key]))[Key];
        var readByB = (IDictionary<string, object>)(await replicaB.ReadAsync([Key]))[Key];

        readByB["topic"] = "from B";
        await replicaB.WriteAsync(new Dictionary<string, object> { [Key] = readByB });
        readByA["topic"] = "from A";
        var conflict = await Assert.ThrowsAnyAsync<ArgumentException>(() => replicaA.WriteAsync(new Dictionary<string, object> { [Key] = readByA }));

        Assert.True(ETagConflictException.IsConflict(conflict));
        var stored = (IDictionary<string, object>)(await Replica().ReadAsync([Key]))[Key];
        Assert.Equal("from B", stored["topic"]);
    }

    [Fact]
    public async Task Created_state_reads_back_with_a_stored_etag_and_saves_again_conditionally()
    {
        var storage = new FirstSaveGuard(Replica());
        var created = (IDictionary<string, object>)(await storage.ReadAsync([Key]))[Key];
        Assert.Equal(FirstSaveGuard.NotStoredYet, created[StateWrite.StateETagKey]);
        created["topic"] = "first";
        await storage.WriteAsync(new Dictionary<string, object> { [Key] = created });

        var read = (IDictionary<string, object>)(await storage.ReadAsync([Key]))[Key];
        read["topic"] = "second";
        await storage.WriteAsync(new Dictionary<string, object> { [Key] = read });

        var stored = (IDictionary<string, object>)(await Replica().ReadAsync([Key]))[Key];
        Assert.NotEqual(FirstSaveGuard.NotStoredYet, stored[StateWrite.StateETagKey]);
        Assert.Equal("second", stored["topic"]);
    }
}

/// <summary>The first-save guard over SQLite: two storages on one file are two replicas.</summary>
public sealed class SqliteFirstSaveGuardTests : FirstSaveGuardTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override IStorage Replica() => new SqliteStorage(_database.Path);
}

/// <summary>The first-save guard over PostgreSQL: two stores on one database are two replicas.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlFirstSaveGuardTests : FirstSaveGuardTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override IStorage Replica() => new PostgreSqlStorage(_database!.Open());
}
