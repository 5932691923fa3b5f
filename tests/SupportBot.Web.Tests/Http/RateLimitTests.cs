using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using SupportBot.Web.Http;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.Http;

/// <summary>
/// Rate limits per client: per IP address or API key on the help-desk API, per conversation on
/// /api/messages (channels carry every user's turns from a few addresses). A refusal is a 429
/// ProblemDetails with Retry-After.
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
