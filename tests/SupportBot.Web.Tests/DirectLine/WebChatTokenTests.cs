using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>The Web Chat page's token endpoint, the secret, CORS and the per-IP creation limit.</summary>
[Collection(WebHostCollection.Name)]
public sealed class WebChatTokenTests(TrainedModelFixture model, SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private const string TokenRoute = "/api/webchat/token";

    [Fact]
    public async Task The_token_endpoint_gives_the_page_a_token_its_conversation_user_and_the_hosts_own_direct_line()
    {
        using var client = host.CreateClient();

        var issued = await TokenAsync(client);

        Assert.Equal("http://localhost/v3/directline", (string?)issued["domain"]);
        Assert.Equal(1800, (int)issued["expires_in"]!);
        Assert.StartsWith("dl_", (string)issued["userId"]!, StringComparison.Ordinal);
        Assert.Equal((string?)issued["userId"], DirectLineCalls.TokenUser((string)issued["token"]!));
        var calls = new DirectLineCalls(client);
        var (status, started) = await calls.SendAsync(HttpMethod.Post, "/conversations", (string)issued["token"]!);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal((string?)issued["conversationId"], (string?)started["conversationId"]);
        Assert.DoesNotContain(SupportBotFactory.DirectLineSecret, issued.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_headers_count_only_when_the_host_is_configured_to_apply_them()
    {
        await using var behindProxy = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["ForwardedHeaders_Enabled"] = "true" });
        using var direct = host.CreateClient();
        using var proxied = behindProxy.CreateClient();
        direct.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        proxied.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        Assert.Equal("http://localhost/v3/directline", (string?)(await TokenAsync(direct))["domain"]);
        Assert.Equal("https://localhost/v3/directline", (string?)(await TokenAsync(proxied))["domain"]);
    }

    [Fact]
    public async Task With_a_public_base_url_a_foreign_host_header_ends_up_in_no_url_the_browser_is_given()
    {
        await using var published = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["DirectLine:PublicBaseUrl"] = "https://bot.example.com/support/" });
        using var client = published.CreateClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        var issued = await TokenAsync(client);
        var (status, started) = await new DirectLineCalls(client).SendAsync(HttpMethod.Post, "/conversations", (string)issued["token"]!);
        var (_, generated) = await new DirectLineCalls(client).SendAsync(HttpMethod.Post, "/tokens/generate", SupportBotFactory.DirectLineSecret);
        var (_, startedFromSecret) = await new DirectLineCalls(client).SendAsync(HttpMethod.Post, "/conversations", (string)generated["token"]!);

        Assert.Equal("https://bot.example.com/support/v3/directline", (string?)issued["domain"]);
        Assert.Equal(HttpStatusCode.Created, status);
        foreach (var streamUrl in new[] { (string)started["streamUrl"]!, (string)startedFromSecret["streamUrl"]! })
        {
            Assert.StartsWith("wss://bot.example.com/support/v3/directline/conversations/", streamUrl, StringComparison.Ordinal);
            Assert.DoesNotContain("evil.example", streamUrl, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_allowed_hosts_a_request_for_another_host_is_refused_before_a_url_is_made()
    {
        await using var restricted = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["AllowedHosts"] = "bot.example.com" });
        using var client = restricted.CreateClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        using var refused = await client.PostAsync(TokenRoute, content: null);
        client.DefaultRequestHeaders.Host = "bot.example.com";
        var issued = await TokenAsync(client);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("evil.example", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("http://bot.example.com/v3/directline", (string?)issued["domain"]);
    }

    [Theory]
    [InlineData("bot.example.com")]
    [InlineData("ftp://bot.example.com")]
    [InlineData("https://bot.example.com/?x=1")]
    public void A_public_base_url_that_is_not_an_http_address_is_refused_at_start(string url)
    {
        var strength = new SecretStrength(new HostingEnvironment { EnvironmentName = Environments.Production }, NullLogger<SecretStrength>.Instance);
        var result = new DirectLineOptionsValidator(strength).Validate(null, new DirectLineOptions { PublicBaseUrl = url });

        Assert.True(result.Failed);
        Assert.Contains("DirectLine:PublicBaseUrl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cross_origin_calls_are_allowed_only_for_the_configured_origins_never_any_origin()
    {
        await using var configured = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["WebChat:AllowedOrigins:0"] = "https://shop.example" });
        using var client = configured.CreateClient();

        foreach (var path in new[] { TokenRoute, "/v3/directline/conversations", "/v3/directline/conversations/c-1/activities" })
        {
            using var allowed = await PreflightAsync(client, path, "https://shop.example");
            using var refused = await PreflightAsync(client, path, "https://evil.example");

            Assert.Equal(["https://shop.example"], allowed.Headers.GetValues("Access-Control-Allow-Origin"));
            Assert.Contains("authorization", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, TokenRoute);
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await client.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task By_default_no_other_origin_may_call_the_token_endpoint()
    {
        using var client = host.CreateClient();

        using var preflight = await PreflightAsync(client, TokenRoute, "https://shop.example");

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Token_and_conversation_creation_are_limited_per_address_but_posting_activities_is_not()
    {
        await using var limited = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["RateLimits:DirectLineCreation:PermitLimit"] = "2" });
        var calls = new DirectLineCalls(limited.CreateClient());
        var conversation = await calls.StartAsync();

        using var tooManyTokens = await calls.Http.PostAsync(TokenRoute, content: null);
        var (tooManyConversations, body) = await calls.SendAsync(HttpMethod.Post, "/conversations", SupportBotFactory.DirectLineSecret);

        Assert.Equal(HttpStatusCode.TooManyRequests, tooManyTokens.StatusCode);
        Assert.True(tooManyTokens.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooManyConversations);
        Assert.Equal("TooManyRequests", (string?)body["error"]?["code"]);
        for (var i = 0; i < 10; i++)
        {
            var (status, _) = await calls.PostAsync(conversation, "hello");
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    [Fact]
    public async Task Without_a_configured_secret_one_is_generated_once_into_the_data_file_and_kept_across_restarts()
    {
        var directory = Directory.CreateTempSubdirectory("supportbot-web-tests-secret-");
        try
        {
            var secretFile = Path.Combine(directory.FullName, "data", "directline-secret.txt");
            var settings = new Dictionary<string, string?> { ["DirectLine:Secret"] = string.Empty, ["DirectLine:GeneratedSecretPath"] = secretFile };
            string token;
            await using (var first = SupportBotFactory.WithSettings(model, settings))
            {
                using var client = first.CreateClient();
                token = (string)(await TokenAsync(client))["token"]!;
            }

            var secret = File.ReadAllText(secretFile);
            await using var second = SupportBotFactory.WithSettings(model, settings);
            var calls = new DirectLineCalls(second.CreateClient());
            var (started, _) = await calls.SendAsync(HttpMethod.Post, "/conversations", token);
            var (generated, _) = await calls.SendAsync(HttpMethod.Post, "/tokens/generate", secret);

            Assert.True(secret.Length >= 32);
            Assert.Equal(HttpStatusCode.Created, started);
            Assert.Equal(HttpStatusCode.OK, generated);
            Assert.Equal(secret, File.ReadAllText(secretFile));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task In_azure_mode_the_page_gets_a_token_of_azures_direct_line_for_a_user_of_its_own()
    {
        await using var azure = await AzureDirectLineStandIn.StartAsync("azure-secret-0123456789abcdefghijklmnopqrstuv");
        await using var hosted = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["DirectLine:Mode"] = "Azure",
            ["DirectLine:AzureSecret"] = azure.Secret,
            ["DirectLine:AzureBaseUrl"] = azure.BaseUrl,
        });
        using var client = hosted.CreateClient();

        var issued = await TokenAsync(client);

        var request = Assert.Single(azure.Requests);
        Assert.Equal($"Bearer {azure.Secret}", request.Authorization);
        Assert.Equal((string?)issued["userId"], request.UserId);
        Assert.Equal(azure.BaseUrl, (string?)issued["domain"]);
        Assert.Equal(request.IssuedToken, (string?)issued["token"]);
        Assert.Equal(request.IssuedConversation, (string?)issued["conversationId"]);
        Assert.Equal(3600, (int)issued["expires_in"]!);
    }

    [Fact]
    public async Task In_azure_mode_a_refusal_from_azure_is_a_bad_gateway_with_the_direct_line_error_body()
    {
        await using var azure = await AzureDirectLineStandIn.StartAsync("azure-secret-0123456789abcdefghijklmnopqrstuv");
        await using var hosted = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["DirectLine:Mode"] = "Azure",
            ["DirectLine:AzureSecret"] = "a-secret-azure-does-not-know-0123456789",
            ["DirectLine:AzureBaseUrl"] = azure.BaseUrl,
        });
        using var client = hosted.CreateClient();

        using var response = await client.PostAsync(TokenRoute, content: null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.NotNull((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
    }

    private static async Task<JsonObject> TokenAsync(HttpClient client)
    {
        using var response = await client.PostAsync(TokenRoute, content: null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static Task<HttpResponseMessage> PreflightAsync(HttpClient client, string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return client.SendAsync(request);
    }

    /// <summary>
    /// A stand-in for Azure Bot Service's Direct Line on loopback, speaking its token protocol:
    /// <c>POST /v3/directline/tokens/generate</c> with <c>Authorization: Bearer SECRET</c> and an
    /// optional <c>{"user": {"id"}}</c> body; 200 <c>{conversationId, token, expires_in}</c>, or 403
    /// with the Direct Line error body for a wrong secret.
    /// </summary>
    private sealed class AzureDirectLineStandIn : IAsyncDisposable
    {
        private LoopbackServer? _server;

        private AzureDirectLineStandIn(string secret) => Secret = secret;

        public string Secret { get; }

        public string BaseUrl { get; private set; } = string.Empty;

        public List<TokenRequest> Requests { get; } = [];

        public static async Task<AzureDirectLineStandIn> StartAsync(string secret)
        {
            var standIn = new AzureDirectLineStandIn(secret);
            standIn._server = await LoopbackServer.StartAsync(app => app.MapPost("/v3/directline/tokens/generate", standIn.GenerateAsync));
            standIn.BaseUrl = standIn._server.BaseUrl + "/v3/directline";
            return standIn;
        }

        public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

        private async Task<IResult> GenerateAsync(HttpRequest request)
        {
            var authorization = request.Headers.Authorization.ToString();
            if (authorization != $"Bearer {Secret}")
            {
                return Results.Json(new { error = new { code = "BadArgument", message = "Invalid secret." } }, statusCode: StatusCodes.Status403Forbidden);
            }

            var body = request.HasJsonContentType() ? await request.ReadFromJsonAsync<JsonObject>() : null;
            var recorded = new TokenRequest(authorization, (string?)body?["user"]?["id"], $"azure-conversation-{Requests.Count + 1}", $"azure-token-{Guid.NewGuid():N}");
            Requests.Add(recorded);
            return Results.Json(new { conversationId = recorded.IssuedConversation, token = recorded.IssuedToken, expires_in = 3600 });
        }
    }

    private sealed record TokenRequest(string Authorization, string? UserId, string IssuedConversation, string IssuedToken);
}
