using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportBot.Web.Http;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.Http;

/// <summary>
/// Rate limits per client: per IP address or API key on the help-desk API, wrong API keys per IP
/// address; on /api/messages per address before authentication and per conversation after it
/// (channels carry every user's turns from a few addresses). A refusal is a 429 ProblemDetails
/// with Retry-After.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class RateLimitTests(TrainedModelFixture model)
{
    private const string ServiceUrl = "http://127.0.0.1:9/";
    private const string Key = "hd-test-key-0123456789abcdef";
    private const string OtherKey = "crm-test-key-0123456789abcdef";

    [Fact]
    public async Task The_help_desk_api_answers_429_with_retry_after_once_an_address_used_its_requests()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:HelpDeskApi:PermitLimit"] = "3",
            ["RateLimits:HelpDeskApi:Window"] = "00:10:00",
        });
        using var client = host.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.GetAsync("/api/v1/faq");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await client.GetAsync("/api/v1/faq");

        await AssertTooManyAsync(refused, "from this address");
    }

    [Fact]
    public async Task Each_api_key_has_its_own_limit_on_the_help_desk_api()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["HelpDesk:ApiKeys:0:Name"] = "help-desk",
            ["HelpDesk:ApiKeys:0:Key"] = Key,
            ["HelpDesk:ApiKeys:1:Name"] = "crm",
            ["HelpDesk:ApiKeys:1:Key"] = OtherKey,
            ["RateLimits:HelpDeskApi:PermitLimit"] = "2",
            ["RateLimits:HelpDeskApi:Window"] = "00:10:00",
        });
        using var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/v1/tickets", Key));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/v1/tickets", Key));
        using (var refused = await SendAsync(client, "/api/v1/tickets", Key))
        {
            await AssertTooManyAsync(refused, "with this API key");
        }

        // The same address with another key, and the open FAQ endpoints without a key, still have their own.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/v1/tickets", OtherKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/v1/faq", key: null));
    }

    [Fact]
    public async Task On_api_messages_the_limit_is_per_conversation_not_per_address()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:BotMessages:PermitLimit"] = "3",
            ["RateLimits:BotMessages:Window"] = "00:10:00",
        });
        using var client = await host.CreateReadyClientAsync();
        var busy = $"conv-{Guid.NewGuid():N}";

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await TurnAsync(client, busy, "hello"));
        }

        using (var refused = await client.PostActivityAsync(Activities.Message(ServiceUrl, busy, "hello", expectReplies: true)))
        {
            await AssertTooManyAsync(refused, "in this conversation");
        }

        // Every other user comes through the same channel address: none of them is held back.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await TurnAsync(client, $"conv-{Guid.NewGuid():N}", "hello"));
        }
    }

    [Fact]
    public async Task Forged_unsigned_posts_naming_a_conversation_do_not_spend_its_budget()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:BotMessages:PermitLimit"] = "3",
            ["RateLimits:BotMessages:Window"] = "00:10:00",
        });
        using var client = await host.CreateReadyClientAsync();
        var victim = $"conv-{Guid.NewGuid():N}";

        // Refused as unauthenticated (the serviceUrl is not this machine's), before they are counted.
        for (var i = 0; i < 10; i++)
        {
            using var forged = await client.PostActivityAsync(Activities.Message("http://169.254.169.254/", victim, "hello", expectReplies: true));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await TurnAsync(client, victim, "hello"));
        }
    }

    [Fact]
    public async Task On_api_messages_requests_are_counted_per_address_before_authentication()
    {
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>
            {
                ["Urls"] = "http://0.0.0.0:3978",
                ["RateLimits:BotMessagesPerAddress:PermitLimit"] = "3",
                ["RateLimits:BotMessagesPerAddress:Window"] = "00:10:00",
            },
            environment: "Production");
        using var client = await host.CreateReadyClientAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await TurnAsync(client, $"conv-{Guid.NewGuid():N}", "hello"));
        }

        using var refused = await client.PostActivityAsync(Activities.Message(ServiceUrl, $"conv-{Guid.NewGuid():N}", "hello", expectReplies: true));
        await AssertTooManyAsync(refused, "from this address");
    }

    [Fact]
    public async Task Callers_on_this_machine_are_not_counted_per_address_only_per_conversation()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:BotMessagesPerAddress:PermitLimit"] = "3",
            ["RateLimits:BotMessagesPerAddress:Window"] = "00:10:00",
            ["RateLimits:BotMessages:PermitLimit"] = "2",
            ["RateLimits:BotMessages:Window"] = "00:10:00",
        });
        using var client = await host.CreateReadyClientAsync();

        // The Emulator or a load test on this machine, many conversations: past the per-address limit, all answered.
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, await PostFromAsync(host, IPAddress.Loopback, $"conv-{Guid.NewGuid():N}"));
        }

        // Still one conversation's budget each.
        var busy = $"conv-{Guid.NewGuid():N}";
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await PostFromAsync(host, IPAddress.Loopback, busy));
        }

        Assert.Equal([StatusCodes.Status200OK, StatusCodes.Status200OK, StatusCodes.Status429TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("10.0.0.5", false)]
    [InlineData("127.0.0.1", true)]
    public async Task Other_machines_and_forwarded_requests_are_counted_per_address(string remote, bool forwarded)
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:BotMessagesPerAddress:PermitLimit"] = "3",
            ["RateLimits:BotMessagesPerAddress:Window"] = "00:10:00",
        });
        using var client = await host.CreateReadyClientAsync();

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await PostFromAsync(host, IPAddress.Parse(remote), $"conv-{Guid.NewGuid():N}", forwarded));
        }

        Assert.DoesNotContain(StatusCodes.Status429TooManyRequests, statuses.Take(3));
        Assert.Equal(StatusCodes.Status429TooManyRequests, statuses[3]);
    }

    /// <summary>A turn over the test server from the given address (a real listener cannot be given a caller's address).</summary>
    private static async Task<int> PostFromAsync(SupportBotFactory host, IPAddress remote, string conversation, bool forwarded = false)
    {
        var body = Encoding.UTF8.GetBytes(Activities.Message(ServiceUrl, conversation, "hello", expectReplies: true).ToJsonString());
        var context = await host.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/api/messages";
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = body.Length;
            context.Request.Body = new MemoryStream(body);
            context.Connection.RemoteIpAddress = remote;
            context.Connection.LocalIpAddress = IPAddress.Loopback;
            if (forwarded)
            {
                context.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
            }
        });
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task A_flood_of_refused_requests_is_logged_once_per_address_and_minute_with_how_many_were_refused()
    {
        var logs = new CapturedLogs();
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>
            {
                ["RateLimits:BotMessagesPerAddress:PermitLimit"] = "2",
                ["RateLimits:BotMessagesPerAddress:Window"] = "00:10:00",
            },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = await host.CreateReadyClientAsync();

        var statuses = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await PostFromAsync(host, IPAddress.Parse("10.0.0.9"), $"conv-{Guid.NewGuid():N}"));
        }

        Assert.Equal(28, statuses.Count(s => s == StatusCodes.Status429TooManyRequests));
        var line = Assert.Single(logs.Of(typeof(RefusalLog).FullName!));
        Assert.Equal(("10.0.0.9", 0), ((string?)line.Fields["RemoteAddress"], (int?)line.Fields["Unlogged"]));
    }

    [Fact]
    public void A_conversation_id_of_any_length_makes_a_partition_key_of_at_most_128_characters()
    {
        var longId = new string('a', 300);
        var otherLongId = new string('a', 299) + "b";

        var key = ConversationRateLimiter.PartitionKey("emulator", longId);

        Assert.True(key.Length <= ConversationRateLimiter.MaxKeyLength, $"{key.Length} characters");
        Assert.NotEqual(key, ConversationRateLimiter.PartitionKey("emulator", otherLongId));
        Assert.NotEqual(key, ConversationRateLimiter.PartitionKey("msteams", longId));
        Assert.Equal("emulator/conv-1", ConversationRateLimiter.PartitionKey("emulator", "conv-1"));
    }

    [Fact]
    public async Task A_300_character_conversation_id_still_has_its_own_limit()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:BotMessages:PermitLimit"] = "2",
            ["RateLimits:BotMessages:Window"] = "00:10:00",
        });
        using var client = await host.CreateReadyClientAsync();
        var longId = Guid.NewGuid().ToString("N") + new string('x', 268);

        Assert.Equal(HttpStatusCode.OK, await TurnAsync(client, longId, "hello"));
        Assert.Equal(HttpStatusCode.OK, await TurnAsync(client, longId, "hello"));
        using (var refused = await client.PostActivityAsync(Activities.Message(ServiceUrl, longId, "hello", expectReplies: true)))
        {
            await AssertTooManyAsync(refused, "in this conversation");
        }

        Assert.Equal(HttpStatusCode.OK, await TurnAsync(client, longId[..^1] + "y", "hello"));
    }

    [Fact]
    public async Task Wrong_api_keys_from_one_address_past_the_limit_get_429_with_retry_after_even_with_the_right_key()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["HelpDesk:ApiKeys:0:Name"] = "help-desk",
            ["HelpDesk:ApiKeys:0:Key"] = Key,
            ["RateLimits:BadApiKeys:PermitLimit"] = "3",
            ["RateLimits:BadApiKeys:Window"] = "00:10:00",
        });
        using var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/v1/tickets", Key));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/v1/tickets", $"guess-{i}-0123456789abcdef"));
        }

        using (var refused = await SendAsync(client, "/api/v1/tickets", "guess-3-0123456789abcdef"))
        {
            await AssertTooManyAsync(refused, "wrong API keys");
        }

        using (var right = await SendAsync(client, "/api/v1/tickets", Key))
        {
            await AssertTooManyAsync(right, "wrong API keys");
        }
    }

    [Fact]
    public async Task With_the_shipped_limit_a_person_writing_every_two_seconds_for_a_minute_is_never_refused()
    {
        var shipped = ShippedLimits().BotMessages;
        var personPerWindow = (int)Math.Ceiling(shipped.Window / TimeSpan.FromSeconds(2));
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["RateLimits:BotMessages:PermitLimit"] = shipped.PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits:BotMessages:Window"] = shipped.Window.ToString(),
        });
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";

        // All of a window's messages at once: stricter than the same number spread over the window.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < personPerWindow; i++)
        {
            statuses.Add(await TurnAsync(client, conversation, i % 2 == 0 ? "keyhash mismatch android" : "yes"));
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    private RateLimitOptions ShippedLimits()
    {
        var appsettings = Path.Combine(Path.GetDirectoryName(model.TrainingData.Root)!, "src", "SupportBot.Web", "appsettings.json");
        var options = new RateLimitOptions();
        new ConfigurationBuilder().AddJsonFile(appsettings).Build().GetSection(RateLimitOptions.Section).Bind(options);
        return options;
    }

    private static async Task<HttpStatusCode> TurnAsync(HttpClient client, string conversation, string text)
    {
        using var response = await client.PostActivityAsync(Activities.Message(ServiceUrl, conversation, text, expectReplies: true));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string? key)
    {
        using var response = await SendAsync(client, path, key);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return client.SendAsync(request);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to come back");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(429, (int?)problem["status"]);
        Assert.Contains(reason, (string?)problem["detail"], StringComparison.Ordinal);
    }
}
