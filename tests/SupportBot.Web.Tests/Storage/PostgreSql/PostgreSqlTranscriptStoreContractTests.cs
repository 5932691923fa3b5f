using Microsoft.Bot.Builder;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Testing;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL transcript store over a fresh database per test, and two replicas writing one conversation.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlTranscriptStoreContractTests : DatabaseTranscriptStoreContractTests, IAsyncLifetime
{
    private readonly List<PostgreSqlTranscriptStore> _stores = [];
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _database!.DisposeAsync();
    }

    protected override ITranscriptStore CreateStore()
    {
        var store = new PostgreSqlTranscriptStore(_database!.Open());
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task What_one_replica_logged_is_read_by_another_once_written()
    {
        var replicaA = (PostgreSqlTranscriptStore)CreateStore();
        var replicaB = (PostgreSqlTranscriptStore)CreateStore();

        await replicaA.LogActivityAsync(Message("conversation-1", "asked on A", Start));
        await replicaA.DisposeAsync();
        await replicaB.LogActivityAsync(Message("conversation-1", "asked on B", Start.AddMinutes(1)));

        var transcript = await replicaB.LoggedAsync("conversation-1", count: 2);
        Assert.Equal(["asked on A", "asked on B"], transcript.Select(Text));
    }
}
