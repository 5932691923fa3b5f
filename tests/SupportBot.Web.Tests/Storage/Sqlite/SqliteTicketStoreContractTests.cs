using SupportBot.Bot.Storage;
using SupportBot.Bot.Tickets;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite ticket store passes the contract over a fresh file per test, and keeps tickets and events across a restart.</summary>
public sealed class SqliteTicketStoreContractTests : TicketStoreContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override (ITicketStore Tickets, ITicketOutbox Outbox) CreateStore(TimeProvider time)
    {
        var database = new SqliteDatabase(_database.Path);
        var outbox = new SqliteTicketOutbox(database);
        return (new SqliteTicketStore(database, outbox, time), outbox);
    }

    [Fact]
    public async Task Tickets_and_pending_events_survive_a_new_store_over_the_same_file()
    {
        var (tickets, _) = CreateStore(Time);
        var created = await tickets.CreateAsync(Request());

        TemporaryDatabase.CloseAllConnections();
        var (reopened, outbox) = CreateStore(Time);

        Assert.Equal(created.Number, (await reopened.FindAsync(created.Number))!.Number);
        var pending = Assert.Single(await outbox.ClaimDueAsync(Time.GetUtcNow(), TimeSpan.FromSeconds(30), 10));
        Assert.Equal((TicketEvents.Created, created.Number), (pending.Type, pending.TicketNumber));
    }

    [Fact]
    public async Task Ticket_numbers_are_not_reused_by_a_new_store_over_the_same_file()
    {
        var (first, _) = CreateStore(Time);
        await first.CreateAsync(Request());

        var (second, _) = CreateStore(Time);
        var next = await second.CreateAsync(Request());

        Assert.Equal("SB-000002", next.Number);
    }
}
