using SupportBot.Web.Privacy;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The memory retention passes the contract, and names the SDK's memory stores as the ones it cannot age.</summary>
public sealed class MemoryRetentionContractTests : RetentionContractTests
{
    protected override RetentionStores CreateStores(TimeProvider time)
    {
        var outbox = new MemoryTicketOutbox();
        var tickets = new MemoryTicketStore(outbox, time);
        var questions = new MemoryQuestionInsights();
        var directLine = new MemoryDirectLineStore();
        var handoffs = new MemoryHandoffStore();
        return new RetentionStores(new MemoryRetention(questions, directLine, tickets, outbox, handoffs), questions, directLine, tickets, outbox, handoffs);
    }

    [Fact]
    public async Task State_and_transcripts_are_not_aged_in_memory()
    {
        Assert.DoesNotContain(RetentionKind.State, Stores.Retention.Kinds);
        Assert.DoesNotContain(RetentionKind.Transcripts, Stores.Retention.Kinds);
        await Assert.ThrowsAsync<NotSupportedException>(() => Stores.Retention.DeleteOlderThanAsync(RetentionKind.Transcripts, Cutoff, 500));
    }
}
