using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Dialogs;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>The Direct Line 3.0 REST API: tokens, conversations, posting and polling, with every documented error.</summary>
[Collection(WebHostCollection.Name)]
public sealed class DirectLineApiTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private const string KeyHashQuestion = "keyhash mismatch android";
    private const string KeyHashAnswer = "This error occurs when the key hash value";

    private DirectLineCalls Calls() => new(host.CreateClient());

    [Fact]
    public async Task Generating_a_token_with_the_secret_gives_a_conversation_id_a_token_and_its_lifetime()
    {
        var generated = await Calls().GenerateTokenAsync(userId: "dl_visitor-1");

        Assert.False(string.IsNullOrEmpty((string?)generated["conversationId"]));
        Assert.Equal(1800, (int)generated["expires_in"]!);
        Assert.Equal("dl_visitor-1", DirectLineCalls.TokenUser((string)generated["token"]!));
        Assert.Null(generated["streamUrl"]);
    }

    [Fact]
    public async Task Generating_a_token_with_a_token_is_forbidden()
    {
        var calls = Calls();
        var token = (string)(await calls.GenerateTokenAsync())["token"]!;

        var (status, body) = await calls.SendAsync(HttpMethod.Post, "/tokens/generate", token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Forbidden", (string?)body["error"]?["code"]);
    }

    [Fact]
    public async Task Starting_with_a_token_creates_its_conversation_once_and_answers_200_the_second_time()
    {
        var calls = Calls();
        var generated = await calls.GenerateTokenAsync();
        var token = (string)generated["token"]!;

        var (first, started) = await calls.SendAsync(HttpMethod.Post, "/conversations", token, """{"user":{}}""");
        var (second, again) = await calls.SendAsync(HttpMethod.Post, "/conversations", token);

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal((string?)generated["conversationId"], (string?)started["conversationId"]);
        Assert.Equal((string?)generated["conversationId"], (string?)again["conversationId"]);
        Assert.Equal(1800, (int)started["expires_in"]!);
        Assert.StartsWith($"ws://localhost/v3/directline/conversations/{started["conversationId"]}/stream?t=", (string)started["streamUrl"]!, StringComparison.Ordinal);
        Assert.Equal(DirectLineCalls.TokenUser(token), DirectLineCalls.TokenUser((string)started["token"]!));
    }

    [Fact]
    public async Task Starting_with_the_secret_gives_a_new_conversation_for_the_user_named_in_the_body()
    {
        var (status, started) = await Calls().SendAsync(HttpMethod.Post, "/conversations", SupportBotFactory.DirectLineSecret, """{"user":{"id":"visitor-42"}}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("visitor-42", DirectLineCalls.TokenUser((string)started["token"]!));
        Assert.False(string.IsNullOrEmpty((string?)started["streamUrl"]));
    }

    [Fact]
    public async Task The_welcome_appears_exactly_once_however_often_the_client_starts_reconnects_or_refreshes()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        await calls.SendAsync(HttpMethod.Post, "/conversations", conversation.Token, """{"user":{}}""");
        await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}?watermark=1", conversation.Token);
        await calls.SendAsync(HttpMethod.Post, "/tokens/refresh", conversation.Token);
        await calls.SendAsync(HttpMethod.Post, "/conversations", conversation.Token);
        var (activities, _) = await calls.GetActivitiesAsync(conversation);

        var welcome = Assert.Single(activities);
        Assert.True(welcome.IsBotMessage());
        Assert.Equal(BotTexts.English.Welcome, welcome.Text());
        Assert.Contains("Kakao Login", welcome.SuggestedActions());
        Assert.Equal($"{conversation.Id}|0000001", (string?)welcome["id"]);
    }

    [Fact]
    public async Task A_question_is_answered_with_the_faq_answer_and_the_feedback_suggested_actions()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var id = await calls.SayAsync(conversation, KeyHashQuestion, clientActivityId: "client-1");
        var (activities, watermark) = await calls.GetActivitiesAsync(conversation, watermark: "1");

        Assert.Equal($"{conversation.Id}|0000002", id);
        var question = activities[0];
        Assert.Equal(id, (string?)question["id"]);
        Assert.Equal("client-1", (string?)question["channelData"]?["clientActivityID"]);
        Assert.Equal(conversation.UserId, (string?)question["from"]?["id"]);
        Assert.Equal("directline", (string?)question["channelId"]);
        var replies = activities.Skip(1).Where(a => a.Type() == "message").ToList();
        Assert.All(replies, r => Assert.Equal(id, (string?)r["replyToId"]));
        Assert.Contains(KeyHashAnswer, replies[0].Text(), StringComparison.Ordinal);
        var feedback = replies[^1];
        Assert.Equal(BotTexts.English.FeedbackQuestion, feedback.Text());
        Assert.Equal([BotTexts.English.Yes, BotTexts.English.No], feedback.SuggestedActions().Take(2));
        Assert.Equal(((string)activities[^1]["id"]!).Split('|')[1].TrimStart('0'), watermark);
    }

    [Fact]
    public async Task Activities_come_back_in_the_order_they_happened_each_answer_after_its_question()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();
        string[] questions = ["logout fails", "hello", KeyHashQuestion];

        foreach (var question in questions)
        {
            await calls.SayAsync(conversation, question);
        }

        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        var ids = activities.Select(a => (string)a["id"]!).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(n => $"{conversation.Id}|{n:0000000}"), ids);
        var userTexts = activities.Where(a => a.FromRole() == "user").Select(a => a.Text()).ToList();
        Assert.Equal(questions, userTexts);
        foreach (var reply in activities.Where(a => a.IsBotMessage() && a["replyToId"] is not null))
        {
            var question = ids.IndexOf((string)reply["replyToId"]!);
            Assert.True(question >= 0 && question < ids.IndexOf((string)reply["id"]!), $"{reply["id"]} answers {reply["replyToId"]}, which comes before it");
        }
    }

    [Fact]
    public async Task Polling_from_a_watermark_returns_only_the_activities_after_it()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();
        await calls.SayAsync(conversation, "hello");
        var (_, watermark) = await calls.GetActivitiesAsync(conversation);

        var (nothingNew, same) = await calls.GetActivitiesAsync(conversation, watermark);
        var later = await calls.SayAsync(conversation, KeyHashQuestion);
        var (activities, next) = await calls.GetActivitiesAsync(conversation, watermark);

        Assert.Empty(nothingNew);
        Assert.Equal(watermark, same);
        Assert.Equal(later, (string?)activities[0]["id"]);
        Assert.True(long.Parse(next, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(watermark, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_user_of_a_posted_activity_is_the_tokens_not_the_one_in_the_body()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        await calls.SayAsync(conversation, "hello");

        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        var posted = Assert.Single(activities, a => a.FromRole() == "user");
        Assert.Equal(conversation.UserId, (string?)posted["from"]?["id"]);
        Assert.NotEqual("someone-else", conversation.UserId);
    }

    [Fact]
    public async Task Posting_with_a_token_for_another_conversation_is_forbidden()
    {
        var calls = Calls();
        var mine = await calls.StartAsync();
        var theirs = await calls.StartAsync();

        var (posting, body) = await calls.PostAsync(mine with { Id = theirs.Id }, "hello");
        var (reading, _) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{theirs.Id}/activities", mine.Token);
        var (reconnecting, _) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{theirs.Id}", mine.Token);

        Assert.Equal(HttpStatusCode.Forbidden, posting);
        Assert.Equal("Forbidden", (string?)body["error"]?["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, reading);
        Assert.Equal(HttpStatusCode.Forbidden, reconnecting);
        Assert.Single((await calls.GetActivitiesAsync(theirs)).Activities);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task A_request_without_a_bearer_credential_is_unauthorized(string? authorization)
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{DirectLineCalls.Base}/conversations/{conversation.Id}/activities");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await calls.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("Unauthorized", (string?)error["code"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
    }

    [Fact]
    public async Task A_forged_or_tampered_token_is_forbidden()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();
        var parts = conversation.Token.Split('.');
        var otherUser = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(
            System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(parts[1])).Replace(conversation.UserId, "dl_intruder", StringComparison.Ordinal)));
        string[] forgeries =
        [
            $"{parts[0]}.{otherUser}.{parts[2]}",
            $"{parts[0]}.{parts[1]}.{parts[2][..^4]}AAAA",
            "not-a-token",
            SupportBotFactory.DirectLineSecret + "x",
        ];

        foreach (var forged in forgeries)
        {
            var (status, body) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}/activities", forged);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("Forbidden", (string?)body["error"]?["code"]);
        }
    }

    [Fact]
    public async Task An_expired_token_gets_TokenExpired_and_a_token_refreshed_in_time_goes_on_working()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var timed = host.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        var calls = new DirectLineCalls(timed.CreateClient());
        var conversation = await calls.StartAsync();

        clock.Advance(TimeSpan.FromMinutes(25));
        var (refreshed, fresh) = await calls.SendAsync(HttpMethod.Post, "/tokens/refresh", conversation.Token);
        clock.Advance(TimeSpan.FromMinutes(10));
        var (expired, body) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}/activities", conversation.Token);
        var (refreshTooLate, _) = await calls.SendAsync(HttpMethod.Post, "/tokens/refresh", conversation.Token);
        var (stillGood, _) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}/activities", (string)fresh["token"]!);

        Assert.Equal(HttpStatusCode.OK, refreshed);
        Assert.Equal(conversation.Id, (string?)fresh["conversationId"]);
        Assert.Equal(HttpStatusCode.Forbidden, expired);
        Assert.Equal("TokenExpired", (string?)body["error"]?["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, refreshTooLate);
        Assert.Equal(HttpStatusCode.OK, stillGood);
    }

    [Theory]
    [InlineData("{\"type\": \"message\", \"text\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{\"type\": \"message\", \"from\": \"not an object\"}")]
    [InlineData("{\"text\": \"no type\"}")]
    public async Task A_malformed_activity_is_a_bad_request(string json)
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var (status, body) = await calls.SendAsync(HttpMethod.Post, $"/conversations/{conversation.Id}/activities", conversation.Token, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadArgument", (string?)body["error"]?["code"]);
        Assert.Single((await calls.GetActivitiesAsync(conversation)).Activities);
    }

    [Fact]
    public async Task An_activity_over_the_size_limit_is_refused_with_413()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var (status, body) = await calls.PostAsync(conversation, new string('a', 300 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.NotNull((string?)body["error"]?["code"]);
    }

    [Fact]
    public async Task An_activity_of_an_unknown_type_is_accepted_and_kept()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var (status, body) = await calls.SendAsync(HttpMethod.Post, $"/conversations/{conversation.Id}/activities", conversation.Token, """{"type":"someFutureType","value":{"x":1}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        Assert.Contains(activities, a => a.Type() == "someFutureType" && (string?)a["id"] == (string?)body["id"]);
    }

    [Fact]
    public async Task An_unknown_conversation_is_not_found()
    {
        var calls = Calls();
        var generated = await calls.GenerateTokenAsync();
        var neverStarted = (string)generated["conversationId"]!;

        var (withSecret, body) = await calls.SendAsync(HttpMethod.Get, "/conversations/no-such-conversation/activities", SupportBotFactory.DirectLineSecret);
        var (withToken, _) = await calls.SendAsync(HttpMethod.Post, $"/conversations/{neverStarted}/activities", (string)generated["token"]!, """{"type":"message","text":"hi"}""");

        Assert.Equal(HttpStatusCode.NotFound, withSecret);
        Assert.Equal("NotFound", (string?)body["error"]?["code"]);
        Assert.Equal(HttpStatusCode.NotFound, withToken);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task A_watermark_the_service_never_gave_is_a_bad_request(string watermark)
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var (status, body) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}/activities?watermark={watermark}", conversation.Token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadArgument", (string?)body["error"]?["code"]);
    }

    [Fact]
    public async Task With_the_secret_an_activity_speaks_for_the_user_it_names()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var (named, _) = await calls.SendAsync(HttpMethod.Post, $"/conversations/{conversation.Id}/activities", SupportBotFactory.DirectLineSecret, """{"type":"message","text":"hello","from":{"id":"agent-7"}}""");
        var (unnamed, body) = await calls.SendAsync(HttpMethod.Post, $"/conversations/{conversation.Id}/activities", SupportBotFactory.DirectLineSecret, """{"type":"message","text":"hello"}""");

        Assert.Equal(HttpStatusCode.OK, named);
        Assert.Equal(HttpStatusCode.BadRequest, unnamed);
        Assert.Equal("BadArgument", (string?)body["error"]?["code"]);
        Assert.Contains((await calls.GetActivitiesAsync(conversation)).Activities, a => (string?)a["from"]?["id"] == "agent-7");
    }

    [Fact]
    public async Task Reconnecting_gives_a_new_stream_url_from_the_watermark_and_a_fresh_token()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();

        var (status, body) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}?watermark=1", conversation.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(conversation.Id, (string?)body["conversationId"]);
        Assert.Contains("watermark=1&t=", (string)body["streamUrl"]!, StringComparison.Ordinal);
        Assert.Equal(conversation.UserId, DirectLineCalls.TokenUser((string)body["token"]!));
    }

    [Fact]
    public async Task An_activity_sent_to_api_messages_cannot_write_into_a_direct_line_conversation()
    {
        var calls = Calls();
        var conversation = await calls.StartAsync();
        var spoofed = Channels.Activities.Message("http://127.0.0.1:9/v3/directline/", conversation.Id, "keyhash mismatch android");
        spoofed["channelId"] = "directline";

        using var response = await Channels.Activities.PostActivityAsync(calls.Http, spoofed);

        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        Assert.Equal([BotTexts.English.Welcome], activities.Select(a => a.Text()));
    }
}
