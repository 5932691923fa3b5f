using Microsoft.Bot.Builder;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Testing;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>PostgreSqlStorage over a fresh database per test on the test run's PostgreSQL server, and what replicas sharing it rely on.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlStorageContractTests : StorageContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override IStorage CreateStorage() => new PostgreSqlStorage(_database!.Open());

    [Fact]
    public async Task Two_replicas_saving_the_same_conversation_state_from_one_read_cannot_both_win()
    {
        var replicaA = new PostgreSqlStorage(_database!.Open());
        var replicaB = new PostgreSqlStorage(_database.Open());
        await replicaA.WriteAsync(new Dictionary<string, object> { ["conversation"] = new Dictionary<string, object> { ["turns"] = 1L } });
        var readByA = (IDictionary<string, object>)(await replicaA.ReadAsync(["conversation"]))["conversation"];
        var readByB = (IDictionary<string, object>)(await replicaB.ReadAsync(["conversation"]))["conversation"];

        readByA["turns"] = 2L;
        readByB["turns"] = 20L;
        var writes = await Task.WhenAll(
            Outcome(replicaA.WriteAsync(new Dictionary<string, object> { ["conversation"] = readByA })),
            Outcome(replicaB.WriteAsync(new Dictionary<string, object> { ["conversation"] = readByB })));

        Assert.Single(writes, w => w is null);
        Assert.Single(writes, w => w is not null && w.Message.Contains("Etag conflict", StringComparison.Ordinal));
        var stored = (IDictionary<string, object>)(await replicaA.ReadAsync(["conversation"]))["conversation"];
        Assert.Contains(stored["turns"], new object[] { 2L, 20L });
    }

    private static async Task<Exception?> Outcome(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
