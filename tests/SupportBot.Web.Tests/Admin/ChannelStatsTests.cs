using System.Net;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.DirectLine;

namespace SupportBot.Web.Tests.Admin;

/// <summary>The dashboard's per-channel counts from real turns: questions asked over /api/messages and over the self-hosted Direct Line.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ChannelStatsTests(TrainedModelFixture model)
{
    [Fact]
    public async Task Stats_count_the_questions_and_conversations_of_the_emulator_and_direct_line_apart()
    {
        await using var host = SupportBotFactory.WithSettings(model, AdminSession.Settings);
        using var client = await host.CreateReadyClientAsync();

        // More than three words each, so none is taken for an answer to the bot's feedback question.
        await AskOverApiMessagesAsync(client, "conv-a", "keyhash mismatch on android login");
        await AskOverApiMessagesAsync(client, "conv-a", "how do I change the app owner");
        await AskOverApiMessagesAsync(client, "conv-b", "keyhash mismatch on android login");
        var directLine = new DirectLineCalls(host.CreateClient());
        var conversation = await directLine.StartAsync();
        await directLine.SayAsync(conversation, "keyhash mismatch on android login");

        using var session = await AdminSession.SignInAsync(host);
        var stats = await session.GetJsonAsync("/admin/api/stats?days=1");

        var channels = stats["channels"]!.AsArray().ToDictionary(
            c => c!["channel"]!.GetValue<string>(),
            c => (c!["questions"]!.GetValue<int>(), c["conversations"]!.GetValue<int>(), c["share"]!.GetValue<double>()));
        Assert.Equal(2, channels.Count);
        Assert.Equal((3, 2, 0.75), channels["emulator"]);
        Assert.Equal((1, 1, 0.25), channels["directline"]);
        Assert.Equal("emulator", stats["channels"]![0]!["channel"]!.GetValue<string>());
    }

    private static async Task AskOverApiMessagesAsync(HttpClient client, string conversation, string text)
    {
        using var response = await client.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, text, expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
