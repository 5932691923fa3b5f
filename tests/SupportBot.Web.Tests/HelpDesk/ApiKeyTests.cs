using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>API keys on the help-desk REST API: required by the ticket API, optional for answers and the FAQ, never defaulted.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ApiKeyTests(TrainedModelFixture model)
{
    private const string Key = "hd-test-key-0123456789abcdef-0123456789";
    private const string OtherKey = "crm-test-key-0123456789abcdef-0123456789";

    private static readonly Dictionary<string, string?> TwoKeys = new()
    {
        ["HelpDesk:ApiKeys:0:Name"] = "help-desk",
        ["HelpDesk:ApiKeys:0:Key"] = Key,
        ["HelpDesk:ApiKeys:1:Name"] = "crm",
        ["HelpDesk:ApiKeys:1:Key"] = OtherKey,
    };

    [Fact]
    public async Task Without_a_key_the_ticket_api_is_a_401_problem()
    {
        await using var host = SupportBotFactory.WithSettings(model, TwoKeys);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/v1/tickets");

        await AssertRefusedAsync(response, "X-Api-Key");
    }

    [Theory]
    [InlineData("X-Api-Key", "hd-test-key-0123456789abcdeX")]
    [InlineData("X-Api-Key", "hd-test-key")]
    [InlineData("Authorization", "Bearer hd-test-key-0123456789abcdef0")]
    [InlineData("Authorization", "Basic aGQtdGVzdC1rZXk=")]
    public async Task A_wrong_key_is_a_401(string header, string value)
    {
        await using var host = SupportBotFactory.WithSettings(model, TwoKeys);
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tickets");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await client.SendAsync(request);

        await AssertRefusedAsync(response, header == "Authorization" && value.StartsWith("Bearer", StringComparison.Ordinal) ? "not valid" : null);
    }

    [Theory]
    [InlineData(Key)]
    [InlineData(OtherKey)]
    public async Task Either_configured_key_in_the_header_opens_the_ticket_api(string key)
    {
        await using var host = SupportBotFactory.WithSettings(model, TwoKeys);
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeys.Header, key);

        using var list = await client.GetAsync("/api/v1/tickets");
        using var events = await client.GetAsync("/api/v1/webhook-events?state=pending");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(0, (int)JsonNode.Parse(await list.Content.ReadAsStringAsync())!["total"]!);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }

    [Fact]
    public async Task The_key_as_a_bearer_token_opens_the_ticket_api()
    {
        await using var host = SupportBotFactory.WithSettings(model, TwoKeys);
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await client.GetAsync("/api/v1/tickets");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_key_is_refused_before_its_body_is_read()
    {
        await using var host = SupportBotFactory.WithSettings(model, TwoKeys);
        using var client = host.CreateClient();

        using var response = await client.PatchAsync("/api/v1/tickets/SB-000001", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Answers_and_the_faq_stay_open_unless_configured_to_need_a_key()
    {
        await using var host = SupportBotFactory.WithSettings(model, TwoKeys);
        using var client = await host.CreateReadyClientAsync();

        using var answers = await client.PostAsJsonAsync("/api/v1/answers", new { question = "logout fails" });
        using var faq = await client.GetAsync("/api/v1/faq");

        Assert.Equal(HttpStatusCode.OK, answers.StatusCode);
        Assert.Equal(HttpStatusCode.OK, faq.StatusCode);
    }

    [Fact]
    public async Task With_RequireApiKeyForFaq_answers_and_the_faq_need_a_key_too()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(TwoKeys) { ["HelpDesk:RequireApiKeyForFaq"] = "true" });
        using var client = await host.CreateReadyClientAsync();

        using var withoutKey = await client.PostAsJsonAsync("/api/v1/answers", new { question = "logout fails" });
        using var faqWithoutKey = await client.GetAsync("/api/v1/faq/change-app-owner");
        client.DefaultRequestHeaders.Add(ApiKeys.Header, Key);
        using var withKey = await client.PostAsJsonAsync("/api/v1/answers", new { question = "logout fails" });

        await AssertRefusedAsync(withoutKey, null);
        await AssertRefusedAsync(faqWithoutKey, null);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task In_production_with_no_keys_the_ticket_api_is_closed_and_the_faq_open()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), environment: "Production");
        using var client = await host.CreateReadyClientAsync();

        using var tickets = await client.GetAsync("/api/v1/tickets");
        using var answers = await client.PostAsJsonAsync("/api/v1/answers", new { question = "logout fails" });

        await AssertRefusedAsync(tickets, "no API keys are configured");
        Assert.Equal(HttpStatusCode.OK, answers.StatusCode);
    }

    [Fact]
    public async Task In_development_with_no_keys_the_ticket_api_is_open()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/v1/tickets");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void The_key_ring_names_the_matching_key_and_nothing_for_another()
    {
        var ring = new ApiKeyRing(Options.Create(new HelpDeskOptions
        {
            ApiKeys = [new() { Name = "help-desk", Key = Key }, new() { Name = "crm", Key = OtherKey }],
        }));

        Assert.Equal("help-desk", ring.Match(Key));
        Assert.Equal("crm", ring.Match(OtherKey));
        Assert.Null(ring.Match(Key.ToUpperInvariant()));
        Assert.Null(ring.Match(string.Empty));
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string? detailContains)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(401, (int)problem["status"]!);
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, (string?)problem["detail"], StringComparison.Ordinal);
        }
    }
}
