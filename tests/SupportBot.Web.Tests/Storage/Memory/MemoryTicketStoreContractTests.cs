using SupportBot.Bot.Tickets;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The in-memory ticket store passes the contract.</summary>
public sealed class MemoryTicketStoreContractTests : TicketStoreContractTests
{
    protected override (ITicketStore Tickets, ITicketOutbox Outbox) CreateStore(TimeProvider time)
    {
        var outbox = new MemoryTicketOutbox();
        return (new MemoryTicketStore(outbox, time), outbox);
    }
}
