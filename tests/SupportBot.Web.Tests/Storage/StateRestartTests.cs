using System.Net;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.Storage;

/// <summary>With the SQLite provider, what one host wrote is there for the next host on the same file.</summary>
[Collection(WebHostCollection.Name)]
public sealed class StateRestartTests(TrainedModelFixture model)
{
    [Fact]
    public async Task Storage_written_by_one_host_is_read_by_the_next_on_the_same_database()
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-restart-").FullName;
        var database = Path.Combine(folder, "supportbot.db");
        var key = $"restart-test/{Guid.NewGuid():N}";
        try
        {
            await using (var first = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), database))
            {
                var storage = first.Services.GetRequiredService<IStorage>();
                await storage.WriteAsync(new Dictionary<string, object> { [key] = new Dictionary<string, object> { ["greeting"] = "kept" } });
            }

            await using var second = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), database);
            var read = await second.Services.GetRequiredService<IStorage>().ReadAsync([key]);

            var stored = Assert.IsAssignableFrom<IDictionary<string, object>>(read[key]);
            Assert.Equal("kept", stored["greeting"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_conversation_goes_on_after_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-restart-").FullName;
        var database = Path.Combine(folder, "supportbot.db");
        var conversation = $"conv-{Guid.NewGuid():N}";
        try
        {
            await using var channel = await ChannelListener.StartAsync();
            await using (var first = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), database))
            {
                using var client = await first.CreateReadyClientAsync();
                using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, conversation, "keyhash mismatch android"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var conversationKeys = new[] { $"emulator/conversations/{conversation}" };
            await using var second = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), database);
            var state = await second.Services.GetRequiredService<IStorage>().ReadAsync(conversationKeys);

            Assert.True(state.ContainsKey(conversationKeys[0]), "the conversation state written before the restart is in the database");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
