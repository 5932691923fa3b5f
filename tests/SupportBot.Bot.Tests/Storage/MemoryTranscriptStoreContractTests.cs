using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Tests.Storage;

/// <summary>The SDK's MemoryTranscriptStore, the reference the contract is written from.</summary>
public sealed class MemoryTranscriptStoreContractTests : TranscriptStoreContractTests
{
    protected override ITranscriptStore CreateStore() => new MemoryTranscriptStore();
}
