using Microsoft.Bot.Builder;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The memory provider's eraser passes the erasure contract.</summary>
public sealed class MemoryUserErasureContractTests : UserErasureContractTests
{
    protected override ErasureStores CreateStores()
    {
        var (state, transcripts, tickets, questions, directLine, handoffs) =
            (new MemoryStorage(), new MemoryTranscriptStore(), new MemoryTicketStore(), new MemoryQuestionInsights(), new MemoryDirectLineStore(), new MemoryHandoffStore());
        return new ErasureStores(
            state, transcripts, tickets, questions, directLine, new MemoryUserDataEraser(state, transcripts, tickets, questions, directLine, handoffs), handoffs);
    }
}
