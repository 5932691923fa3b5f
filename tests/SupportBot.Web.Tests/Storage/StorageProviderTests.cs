using System.Net;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Storage;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage;

/// <summary>Storage:Provider chooses the bot's state and transcript stores.</summary>
[Collection(WebHostCollection.Name)]
public sealed class StorageProviderTests(TrainedModelFixture model, SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    [Fact]
    public async Task Sqlite_is_the_default_and_keeps_the_transcript_of_a_conversation()
    {
        Assert.IsType<SqliteStorage>(host.Services.GetRequiredService<IStorage>());
        var transcripts = Assert.IsType<SqliteTranscriptStore>(host.Services.GetRequiredService<ITranscriptStore>());
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";

        using var response = await client.PostActivityAsync(
            Activities.Message("http://127.0.0.1:9", conversation, "keyhash mismatch android", expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var logged = await transcripts.GetTranscriptActivitiesAsync("emulator", conversation);
        Assert.Contains(logged.Items, a => a.Type == "message" && a.AsMessageActivity().Text == "keyhash mismatch android");
        Assert.Contains(logged.Items, a => a.Type == "message" && a.From?.Id == Activities.BotId);
        Assert.True(File.Exists(host.DatabasePath));
    }

    [Fact]
    public async Task Memory_keeps_state_and_transcripts_in_the_process()
    {
        await using var memory = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["Storage:Provider"] = "memory" });

        Assert.IsType<MemoryStorage>(memory.Services.GetRequiredService<IStorage>());
        Assert.IsType<MemoryTranscriptStore>(memory.Services.GetRequiredService<ITranscriptStore>());
        using var client = await memory.CreateReadyClientAsync();
        using var response = await client.PostActivityAsync(
            Activities.Message("http://127.0.0.1:9", "conv-memory", "keyhash mismatch android", expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(memory.DatabasePath));
    }
}
