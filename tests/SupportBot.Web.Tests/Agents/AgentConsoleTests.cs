using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Configuration;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Tests.Agents;

/// <summary>The agent console (<c>/agent</c>): signed in with an agent key only, its API behind the cookie and the antiforgery token.</summary>
[Collection(WebHostCollection.Name)]
public sealed partial class AgentConsoleTests(AgentHost host, TrainedModelFixture model) : IClassFixture<AgentHost>
{
    [Fact]
    public async Task An_agent_signs_in_with_the_agent_key_and_gets_the_console_named_after_the_agent()
    {
        using var client = Browser();

        using var signedIn = await SignInAsync(client, AgentHost.AnnKey);
        using var page = await client.GetAsync("/agent");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/agent", signedIn.Headers.Location?.OriginalString);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("SupportBot.Agent=", StringComparison.Ordinal));
        Assert.Contains("path=/agent", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(">Ann</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/agent/agent.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData(AgentHost.TicketsKey)]
    [InlineData("agent-ann-key-0123456789abcdef-0124")]
    [InlineData("")]
    public async Task Any_other_key_is_refused_with_the_sign_in_page(string key)
    {
        using var client = Browser();

        using var refused = await SignInAsync(client, key);
        using var page = await client.GetAsync("/agent");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("role=\"alert\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/agent/signin", page.Headers.Location?.PathAndQuery ?? page.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused()
    {
        using var client = Browser();

        using var response = await client.PostAsync("/agent/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = AgentHost.AnnKey }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/agent/api/handoffs")]
    [InlineData("/agent/api/agents/me/presence")]
    public async Task The_console_api_needs_the_console_cookie_not_an_api_key(string path)
    {
        using var withKey = host.Client(AgentHost.AnnKey);

        using var response = await withKey.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_console_change_without_the_pages_token_is_a_400_and_changes_nothing()
    {
        var handoff = await host.QueueAsync();
        using var client = Browser();
        using var signedIn = await SignInAsync(client, AgentHost.BobKey);

        using var response = await client.PostAsync($"/agent/api/handoffs/{handoff.Id}/accept", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HandoffStatus.Waiting, (await host.Store.FindAsync(handoff.Id))!.Status);
    }

    [Fact]
    public async Task The_console_accepts_reads_sends_suggests_and_ends_with_the_pages_token()
    {
        var handoff = await host.QueueAsync("How do I log out of Kakao Login?");
        using var client = Browser();
        using var signedIn = await SignInAsync(client, AgentHost.BobKey);
        var token = await PageTokenAsync(client);

        using var accept = await SendAsync(client, token, HttpMethod.Post, $"/agent/api/handoffs/{handoff.Id}/accept");
        await host.UserSaysAsync(handoff.Id, "How do I log out of Kakao Login?");
        var read = (await client.GetFromJsonAsync<JsonNode>($"/agent/api/handoffs/{handoff.Id}/activities?wait=0"))!;
        var suggestions = (await client.GetFromJsonAsync<JsonNode>($"/agent/api/handoffs/{handoff.Id}/suggestions"))!;
        using var conversation = await client.GetAsync($"/agent/api/handoffs/{handoff.Id}/conversation");
        using var send = await SendAsync(client, token, HttpMethod.Post, $"/agent/api/handoffs/{handoff.Id}/activities", """{"type": "message", "text": "Here is how."}""");
        using var end = await SendAsync(client, token, HttpMethod.Post, $"/agent/api/handoffs/{handoff.Id}/end", """{"reason": "transferred"}""");

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.Equal("How do I log out of Kakao Login?", (string)read["activities"]![0]!["text"]!);
        Assert.Equal("How do I log out of Kakao Login?", (string)suggestions["for"]!);
        Assert.NotEmpty(suggestions["answers"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, conversation.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Equal(
            [nameof(IHandoffRelay.AcceptedAsync), nameof(IHandoffRelay.SendFromAgentAsync), nameof(IHandoffRelay.EndedAsync)],
            host.Relay.For(handoff.Id).Select(c => c.Call));
        Assert.All(host.Relay.For(handoff.Id), c => Assert.Equal(AgentHost.Bob, c.Handoff.Agent));
    }

    [Fact]
    public async Task Leaving_the_page_sets_the_agent_offline_with_the_form_token_a_beacon_carries()
    {
        using var client = Browser();
        using var signedIn = await SignInAsync(client, AgentHost.AnnKey);
        var token = await PageTokenAsync(client);
        using var online = await SendAsync(client, token, HttpMethod.Put, "/agent/api/agents/me/presence", """{"status": "online"}""");
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };

        using var beacon = await client.PostAsync("/agent/api/agents/me/offline", form);
        var presence = (await client.GetFromJsonAsync<JsonNode>("/agent/api/agents/me/presence"))!;

        Assert.Equal(HttpStatusCode.OK, online.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, beacon.StatusCode);
        Assert.Equal("offline", (string)presence["status"]!);
    }

    [Fact]
    public async Task Wrong_keys_at_the_sign_in_are_rate_limited()
    {
        var settings = new Dictionary<string, string?>(AgentHost.Settings) { ["RateLimits:AdminSignIn:PermitLimit"] = "2" };
        await using var limited = SupportBotFactory.WithSettings(model, settings);
        using var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var first = await SignInAsync(client, "wrong-key-0123456789abcdef");
        using var second = await SignInAsync(client, "wrong-key-0123456789abcdef");
        using var third = await SignInAsync(client, AgentHost.AnnKey);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    [Theory]
    [InlineData(new[] { "agent" }, true)]
    [InlineData(new[] { "Agent" }, true)]
    [InlineData(new[] { "agent", "tickets" }, false)]
    [InlineData(new[] { "conversations", "agent" }, false)]
    public void An_agent_key_lists_no_other_scope(string[] scopes, bool valid)
    {
        var options = new HelpDeskOptions { ApiKeys = [new() { Name = "Ann", Key = AgentHost.AnnKey, Scopes = [.. scopes] }] };
        var validator = new HelpDeskOptionsValidator(new SecretStrength(new HostingEnvironment { EnvironmentName = Environments.Development }, NullLogger<SecretStrength>.Instance));

        var result = validator.Validate(Options.DefaultName, options);

        Assert.Equal(valid, result.Succeeded);
        Assert.DoesNotContain(ApiKeyScope.Faq, ApiKeyScopes.Granted(["agent"]));
    }

    private HttpClient Browser() =>
        host.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key)
    {
        using var page = await client.GetAsync("/agent/signin");
        var token = WebUtility.HtmlDecode(FormToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        return await client.PostAsync("/agent/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["__RequestVerificationToken"] = token }));
    }

    private static async Task<string> PageTokenAsync(HttpClient client)
    {
        using var page = await client.GetAsync("/agent");
        return WebUtility.HtmlDecode(PageToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token, HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-CSRF-Token", token);
        return client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex PageToken();
}
