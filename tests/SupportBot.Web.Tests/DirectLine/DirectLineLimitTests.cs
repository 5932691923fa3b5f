using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Web.Channels.DirectLine;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>The limits per Direct Line conversation: open streams, posts, the total life of its tokens, and a stream's life.</summary>
[Collection(WebHostCollection.Name)]
public sealed class DirectLineLimitTests(TrainedModelFixture model)
{
    [Fact]
    public void The_defaults_are_four_streams_thirty_posts_a_minute_and_a_day_of_tokens()
    {
        using var factory = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());

        var options = factory.Services.GetRequiredService<IOptions<DirectLineOptions>>().Value;

        Assert.Equal(4, options.MaxStreamsPerConversation);
        Assert.Equal(30, options.MaxPostsPerConversation);
        Assert.Equal(TimeSpan.FromMinutes(1), options.PostWindow);
        Assert.Equal(TimeSpan.FromHours(24), options.MaxTokenAge);
    }

    [Fact]
    public async Task A_fifth_stream_of_one_conversation_is_refused_with_429_before_the_upgrade_and_a_closed_one_frees_its_place()
    {
        using var host = KestrelSupportBot.WithSettings(model, new Dictionary<string, string?>());
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        var other = await calls.StartAsync();
        var streams = new List<ActivityStreamClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                streams.Add(await ActivityStreamClient.ConnectAsync(conversation.StreamUrl));
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, await ActivityStreamClient.RefusalAsync(conversation.StreamUrl));

            // Another conversation is not affected; and once one stream closes, its place is free.
            await using (await ActivityStreamClient.ConnectAsync(other.StreamUrl))
            {
            }

            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            streams.Add(await ConnectWhenFreeAsync(conversation.StreamUrl));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Posts_beyond_a_persons_pace_get_429_with_Retry_After_and_other_conversations_go_on()
    {
        using var factory = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["DirectLine:MaxPostsPerConversation"] = "3",
            ["DirectLine:PostWindow"] = "00:10:00",
        });
        var http = factory.CreateClient();
        var calls = new DirectLineCalls(http);
        var conversation = await calls.StartAsync();
        var other = await calls.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            await calls.SayAsync(conversation, $"hello {i}");
        }

        using var refused = await http.SendAsync(PostRequest(conversation, "one too many"));
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 600);
        Assert.Equal(429, (int?)body["status"]);
        Assert.Equal("TooManyRequests", (string?)body["error"]?["code"]);
        Assert.DoesNotContain((await calls.GetActivitiesAsync(conversation)).Activities, a => a.Text() == "one too many");
        await calls.SayAsync(other, "hello");
    }

    [Fact]
    public async Task A_conversations_tokens_refreshed_on_time_stop_at_24_hours_from_the_first()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());
        await using var timed = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        var calls = new DirectLineCalls(timed.CreateClient());
        var started = clock.GetUtcNow();
        var conversation = await calls.StartAsync();
        var token = conversation.Token;

        var refreshes = 0;
        while (clock.GetUtcNow() - started < TimeSpan.FromHours(24) - TimeSpan.FromMinutes(20))
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            var (status, fresh) = await calls.SendAsync(HttpMethod.Post, "/tokens/refresh", token);
            Assert.True(status == HttpStatusCode.OK, $"refresh {refreshes} after {clock.GetUtcNow() - started}: {status}");
            Assert.True(clock.GetUtcNow() - started + TimeSpan.FromSeconds((int)fresh["expires_in"]!) <= TimeSpan.FromHours(24), "a refreshed token outlives the first by more than a day");
            token = (string)fresh["token"]!;
            refreshes++;
        }

        clock.Advance(TimeSpan.FromMinutes(20));
        var (late, body) = await calls.SendAsync(HttpMethod.Post, "/tokens/refresh", token);
        var (reconnect, _) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}", token);
        var (restart, _) = await calls.SendAsync(HttpMethod.Post, "/conversations", token, "{}");

        Assert.True(refreshes >= 70, $"{refreshes} refreshes");
        Assert.Equal(HttpStatusCode.Forbidden, late);
        Assert.Equal("TokenExpired", (string?)body["error"]?["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, reconnect);
        Assert.Equal(HttpStatusCode.Forbidden, restart);
    }

    [Fact]
    public async Task Reconnecting_does_not_extend_a_conversations_tokens_past_their_longest_life()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["DirectLine:MaxTokenAge"] = "01:00:00" });
        await using var timed = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        var calls = new DirectLineCalls(timed.CreateClient());
        var conversation = await calls.StartAsync();
        var token = conversation.Token;

        for (var i = 0; i < 2; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(25));
            var (status, reconnected) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}", token);
            Assert.Equal(HttpStatusCode.OK, status);
            token = (string)reconnected["token"]!;
        }

        clock.Advance(TimeSpan.FromMinutes(11));
        var (afterAnHour, _) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}/activities", token);

        Assert.Equal(HttpStatusCode.Forbidden, afterAnHour);
    }

    [Fact]
    public async Task An_open_stream_is_closed_with_1008_when_the_token_it_came_with_expires()
    {
        using var host = KestrelSupportBot.WithSettings(model, new Dictionary<string, string?>());
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);

        host.Clock.Advance(TimeSpan.FromMinutes(29));
        await stream.ReceiveUntilAsync(s => s.KeepAlives >= 1);
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        var closed = await Assert.ThrowsAsync<WebSocketException>(() => stream.ReceiveUntilAsync(_ => false));

        Assert.Contains(nameof(WebSocketCloseStatus.PolicyViolation), closed.Message, StringComparison.Ordinal);
        Assert.Contains("TokenExpired", closed.Message, StringComparison.Ordinal);
    }

    private static HttpRequestMessage PostRequest(StartedConversation conversation, string text) =>
        new(HttpMethod.Post, $"{DirectLineCalls.Base}/conversations/{conversation.Id}/activities")
        {
            Headers = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", conversation.Token) },
            Content = new StringContent(new JsonObject { ["type"] = "message", ["text"] = text }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };

    // The server counts a stream closed once its handler has finished, a moment after the client's close.
    private static async Task<ActivityStreamClient> ConnectWhenFreeAsync(string streamUrl)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await ActivityStreamClient.ConnectAsync(streamUrl);
            }
            catch (WebSocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
