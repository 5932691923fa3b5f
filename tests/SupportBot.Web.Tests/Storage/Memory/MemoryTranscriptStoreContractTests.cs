using Microsoft.Bot.Builder;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The SDK's MemoryTranscriptStore, the reference the contract is written from.</summary>
public sealed class MemoryTranscriptStoreContractTests : TranscriptStoreContractTests
{
    protected override ITranscriptStore CreateStore() => new MemoryTranscriptStore();
}
