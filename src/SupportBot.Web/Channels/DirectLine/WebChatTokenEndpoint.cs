using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine.Credentials;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// <c>POST /api/webchat/token</c>: what the Web Chat page needs to open a conversation, so the
/// browser never sees a secret. <c>domain</c> is the Direct Line base URL the page passes to
/// <c>WebChat.createDirectLine({ token, domain })</c>: this host's own, or Azure's in Azure mode.
/// </summary>
public static class WebChatTokenEndpoint
{
    public const string Route = "/api/webchat/token";

    public static RouteHandlerBuilder MapWebChatToken(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, IssueAsync)
            .AllowJsonBody()
            .RequireCors(DirectLineRegistration.CorsPolicy)
            .RequireRateLimiting(RateLimits.DirectLineCreation)
            .ExcludeFromDescription();

    private static async Task<IResult> IssueAsync(
        HttpRequest request, IOptions<DirectLineOptions> options, DirectLineTokens tokens, AzureDirectLineTokens azure, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var userId = DirectLineEndpoints.NewUserId();
        if (!options.Value.IsAzure)
        {
            var (token, grant) = tokens.IssueConversationToken(DirectLineEndpoints.NewConversationId(), userId);
            return TypedResults.Ok(new WebChatTokenResponse(token, grant.ConversationId, (int)tokens.Lifetime.TotalSeconds, DirectLineUrls.Domain(request), userId));
        }

        try
        {
            var generated = await azure.GenerateAsync(userId, cancellationToken);
            return TypedResults.Ok(new WebChatTokenResponse(
                generated.Token, generated.ConversationId, generated.ExpiresIn, options.Value.AzureBaseUrl.ToString().TrimEnd('/'), userId));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException)
        {
            loggers.CreateLogger(typeof(WebChatTokenEndpoint).FullName!).LogError(ex, "Azure Bot Service's Direct Line gave no token");
            return DirectLineErrors.Result(StatusCodes.Status502BadGateway, "ServiceError", "The Direct Line service did not give a token; try again shortly.");
        }
    }
}

/// <summary>Tokens from Azure Bot Service's Direct Line (<c>POST {AzureBaseUrl}/tokens/generate</c> with <c>DirectLine:AzureSecret</c>).</summary>
public sealed class AzureDirectLineTokens(HttpClient http, IOptions<DirectLineOptions> options)
{
    private static readonly JsonSerializerOptions WithoutNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public async Task<ConversationResponse> GenerateAsync(string userId, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Value.AzureBaseUrl.ToString().TrimEnd('/') + "/tokens/generate");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            // Buffered, so it goes with a Content-Length as Azure's own clients send it.
            Content = new StringContent(JsonSerializer.Serialize(new StartRequest(new StartUser(userId, Name: null), Locale: null), WithoutNulls), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.AzureSecret);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var generated = await response.Content.ReadFromJsonAsync<ConversationResponse>(cancellationToken);
        return generated is { Token.Length: > 0, ConversationId.Length: > 0 }
            ? generated
            : throw new InvalidOperationException("The Direct Line's token answer has no token or conversation id.");
    }
}
