using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The memory provider's conversation search passes the contract.</summary>
public sealed class MemoryConversationSearchContractTests : ConversationSearchContractTests
{
    protected override ConversationSearchStores CreateStores()
    {
        var (questions, tickets) = (new MemoryQuestionInsights(), new MemoryTicketStore());
        return new ConversationSearchStores(questions, tickets, new MemoryConversationSearch(questions, tickets));
    }
}
