using Microsoft.Bot.Builder;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The SDK's MemoryStorage, the reference the contract is written from (and the bot tests' storage).</summary>
public sealed class MemoryStorageContractTests : StorageContractTests
{
    protected override IStorage CreateStorage() => new MemoryStorage();
}
