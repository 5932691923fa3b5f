using SupportBot.Bot.Tickets;
using SupportBot.Testing;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL ticket store passes the contract over a fresh database per test; replicas share numbers and never claim one event twice.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlTicketStoreContractTests : TicketStoreContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override (ITicketStore Tickets, ITicketOutbox Outbox) CreateStore(TimeProvider time)
    {
        var database = _database!.Open();
        var outbox = new PostgreSqlTicketOutbox(database);
        return (new PostgreSqlTicketStore(database, outbox, time), outbox);
    }

    [Fact]
    public async Task Replicas_number_their_tickets_from_one_sequence()
    {
        var (replicaA, _) = CreateStore(Time);
        var (replicaB, _) = CreateStore(Time);

        var created = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? replicaA : replicaB).CreateAsync(Request(conversation: $"c-{i}"))));

        Assert.Equal(Enumerable.Range(1, 10).Select(i => TicketNumber.Format(i)), created.Select(t => t.Number).Order());
    }

    [Fact]
    public async Task Two_replicas_claiming_at_the_same_moment_never_get_the_same_event()
    {
        var (tickets, _) = CreateStore(Time);
        for (var i = 0; i < 40; i++)
        {
            await tickets.CreateAsync(Request(conversation: $"c-{i}"));
        }

        var dispatchers = Enumerable.Range(0, 4).Select(_ => CreateStore(Time).Outbox).ToList();
        var claims = await Task.WhenAll(dispatchers.Select(outbox => outbox.ClaimDueAsync(Time.GetUtcNow(), TimeSpan.FromSeconds(30), 15)));

        var claimed = claims.SelectMany(c => c).Select(e => e.Id).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(40, claimed.Count);
    }
}
