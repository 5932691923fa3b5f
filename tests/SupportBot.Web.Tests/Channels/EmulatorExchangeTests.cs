using System.Net;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.Channels;

/// <summary>The Bot Framework channel end to end: /api/messages in, the bot's replies out to the channel's service URL.</summary>
[Collection(WebHostCollection.Name)]
public sealed class EmulatorExchangeTests(TrainedModelFixture model, SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private const string KeyHashAnswer = "This error occurs when the key hash value";

    [Fact]
    public async Task The_bot_welcomes_a_new_user_and_answers_a_question_through_the_channel()
    {
        await using var channel = await ChannelListener.StartAsync();
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";

        var update = Activities.ConversationUpdate(channel.ServiceUrl, conversation);
        using var joined = await client.PostActivityAsync(update);
        Assert.Contains(joined.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created });
        var welcome = channel.MessagesIn(conversation);
        Assert.NotEmpty(welcome);
        Assert.All(welcome, w => Assert.Equal((string?)update["id"], w.ReplyToId));
        Assert.Contains(welcome, w => !string.IsNullOrWhiteSpace(w.Text));

        var question = Activities.Message(channel.ServiceUrl, conversation, "keyhash mismatch android");
        using var asked = await client.PostActivityAsync(question);
        Assert.Contains(asked.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created });
        var replies = channel.MessagesIn(conversation).Skip(welcome.Count).ToList();
        Assert.NotEmpty(replies);
        Assert.All(replies, r => Assert.Equal((string?)question["id"], r.ReplyToId));
        Assert.Contains(replies, r => r.Text?.Contains(KeyHashAnswer, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task With_expect_replies_the_replies_come_back_in_the_response_body()
    {
        await using var channel = await ChannelListener.StartAsync();
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";

        using var response = await client.PostActivityAsync(
            Activities.Message(channel.ServiceUrl, conversation, "keyhash mismatch android", expectReplies: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var activities = body["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.NotEmpty(activities);
        Assert.Contains(activities, a => ((string?)a["text"])?.Contains(KeyHashAnswer, StringComparison.Ordinal) == true);
        Assert.Empty(channel.MessagesIn(conversation));
    }

    [Fact]
    public async Task Messages_sent_at_once_in_one_conversation_are_all_answered_without_an_error()
    {
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";
        string[] questions = ["keyhash mismatch android", "logout fails", "how do I change the app owner", "hello", "keyhash mismatch android"];

        var responses = await Task.WhenAll(questions.Select(q =>
            client.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, q, expectReplies: true))));

        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var texts = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]!.AsArray()
                    .Select(a => (string?)a!["text"] ?? string.Empty).ToList();
                Assert.NotEmpty(texts);
                Assert.DoesNotContain(texts, t => t.Contains("something went wrong", StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    [Fact]
    public async Task With_an_app_id_configured_an_unsigned_request_is_refused()
    {
        await using var authenticated = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = "5c1fd9a6-0a65-4f4b-9cf6-6b1ea1b7f3a2",
            ["MicrosoftAppPassword"] = "not-a-real-secret",
        });
        using var client = await authenticated.CreateReadyClientAsync();

        using var response = await client.PostActivityAsync(
            Activities.Message("http://127.0.0.1:9", "conv-unsigned", "keyhash mismatch android"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("someFutureActivityType")]
    [InlineData("typing")]
    [InlineData("endOfConversation")]
    public async Task An_activity_the_bot_does_not_handle_is_accepted(string type)
    {
        await using var channel = await ChannelListener.StartAsync();
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.PostActivityAsync(Activities.OfType(type, channel.ServiceUrl, "conv-other"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task A_message_without_text_gets_a_reply_not_an_error(string? text)
    {
        await using var channel = await ChannelListener.StartAsync();
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, "conv-empty", text));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(channel.MessagesIn("conv-empty"));
    }
}
