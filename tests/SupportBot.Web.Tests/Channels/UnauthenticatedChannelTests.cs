using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Tests.DirectLine;

namespace SupportBot.Web.Tests.Channels;

/// <summary>
/// /api/messages without an app id (no channel signs anything): served only for the Emulator on
/// this machine, i.e. in Development or on a host listening on loopback only, for a loopback
/// serviceUrl, from a client no proxy forwarded. Anything else is a 401 ProblemDetails and the bot
/// calls nobody: not the typing indicator, not a reply. Web Chat and the REST API work regardless.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class UnauthenticatedChannelTests(TrainedModelFixture model)
{
    [Fact]
    public async Task On_a_host_listening_on_every_interface_an_unsigned_post_is_refused_and_calls_nobody()
    {
        await using var channel = await ChannelListener.StartAsync();
        await using var host = await ReachableKestrelHost.StartAsync(model);
        using var client = host.CreateClient();
        Assert.DoesNotContain(host.Addresses, UnauthenticatedChannel.IsLoopbackBinding);

        using var update = await client.PostActivityAsync(Activities.ConversationUpdate(channel.ServiceUrl, "conv-forged"));
        using var message = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, "conv-forged", "keyhash mismatch android"));

        await AssertUnauthorizedAsync(update);
        await AssertUnauthorizedAsync(message);
        Assert.Empty(channel.Posted);
    }

    [Fact]
    public async Task On_a_host_reachable_from_elsewhere_web_chat_over_the_direct_line_and_the_rest_api_still_answer()
    {
        await using var host = await ReachableKestrelHost.StartAsync(model);
        using var client = host.CreateClient();
        var directLine = new DirectLineCalls(client);

        var conversation = await directLine.StartAsync();
        await directLine.SayAsync(conversation, "keyhash mismatch android");
        var (activities, _) = await directLine.GetActivitiesAsync(conversation);
        using var answers = await client.PostAsync("/api/v1/answers", new StringContent("""{"question": "logout fails"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains(activities, a => a.IsBotMessage() && a.Text()?.Contains("key hash", StringComparison.OrdinalIgnoreCase) == true);
        Assert.Equal(HttpStatusCode.OK, answers.StatusCode);
    }

    [Fact]
    public async Task Outside_development_on_a_host_listening_on_loopback_only_the_emulator_on_this_machine_is_answered()
    {
        await using var channel = await ChannelListener.StartAsync();
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["Urls"] = "http://localhost:3978" }, environment: "Production");
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, "conv-emulator", "keyhash mismatch android"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(channel.MessagesIn("conv-emulator"));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5:5432/")]
    [InlineData("https://attacker.example/")]
    [InlineData("http://0.0.0.0:3978/")]
    public async Task Even_in_development_an_unsigned_post_with_a_foreign_service_url_is_refused_and_calls_nobody(string serviceUrl)
    {
        var outbound = new ConcurrentQueue<Uri?>();
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>(),
            services: services => services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new Recorder(outbound))));
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.PostActivityAsync(Activities.Message(serviceUrl, "conv-ssrf", "keyhash mismatch android"));

        await AssertUnauthorizedAsync(response);
        Assert.Empty(outbound);
    }

    [Fact]
    public async Task An_unsigned_post_that_a_proxy_forwarded_is_refused_and_calls_nobody()
    {
        await using var channel = await ChannelListener.StartAsync();
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());
        using var client = await host.CreateReadyClientAsync();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, "conv-proxied", "keyhash mismatch android"));

        await AssertUnauthorizedAsync(response);
        Assert.Empty(channel.Posted);
    }

    [Fact]
    public async Task The_allow_setting_opens_the_channel_on_a_reachable_host()
    {
        await using var channel = await ChannelListener.StartAsync();
        await using var host = await ReachableKestrelHost.StartAsync(model, new Dictionary<string, string?> { [UnauthenticatedChannel.AllowSetting] = "true" });
        using var client = host.CreateClient();

        using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, "conv-allowed", "keyhash mismatch android"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(channel.MessagesIn("conv-allowed"));
    }

    [Theory]
    [InlineData("http://localhost:3978", true)]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://unix:/run/supportbot.sock", true)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://0.0.0.0:3978", false)]
    [InlineData("http://[::]:3978", false)]
    [InlineData("http://supportbot.example:80", false)]
    [InlineData("http://10.1.2.3:3978", false)]
    public void A_server_address_is_loopback_only_when_no_other_machine_can_connect(string address, bool loopback) =>
        Assert.Equal(loopback, UnauthenticatedChannel.IsLoopbackBinding(address));

    [Theory]
    [InlineData("http://localhost:52001", true)]
    [InlineData("https://LOCALHOST/", true)]
    [InlineData("http://127.0.0.1:9", true)]
    [InlineData("http://127.8.9.10/", true)]
    [InlineData("http://[::1]:8080/", true)]
    [InlineData("http://[::ffff:127.0.0.1]/", true)]
    [InlineData("http://0.0.0.0/", false)]
    [InlineData("http://169.254.169.254/", false)]
    [InlineData("http://localhost@attacker.example/", false)]
    [InlineData("http://localhost.attacker.example/", false)]
    [InlineData("ftp://localhost/", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void A_service_url_is_loopback_only_for_localhost_127_0_0_0_8_and_ipv6_loopback(string? serviceUrl, bool loopback) =>
        Assert.Equal(loopback, UnauthenticatedChannel.IsLoopbackUrl(serviceUrl));

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(401, (int?)problem["status"]);
    }

    /// <summary>Records every request the host makes through IHttpClientFactory and answers it itself.</summary>
    private sealed class Recorder(ConcurrentQueue<Uri?> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request.RequestUri);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });
        }
    }
}
