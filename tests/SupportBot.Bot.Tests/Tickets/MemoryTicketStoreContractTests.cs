using SupportBot.Bot.Tickets;

namespace SupportBot.Bot.Tests.Tickets;

/// <summary>The in-memory ticket store passes the contract.</summary>
public sealed class MemoryTicketStoreContractTests : TicketStoreContractTests
{
    protected override (ITicketStore Tickets, ITicketOutbox Outbox) CreateStore(TimeProvider time)
    {
        var store = new MemoryTicketStore(time);
        return (store, store);
    }
}
