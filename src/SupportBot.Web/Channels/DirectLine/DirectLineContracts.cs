using System.Text.Json.Serialization;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>A conversation as the Direct Line answers it: <c>streamUrl</c> only where a stream was asked for.</summary>
public sealed record ConversationResponse(
    [property: JsonPropertyName("conversationId")] string ConversationId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("streamUrl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StreamUrl = null);

/// <summary>The optional body of <c>POST /tokens/generate</c> and <c>POST /conversations</c>.</summary>
public sealed record StartRequest(
    [property: JsonPropertyName("user")] StartUser? User,
    [property: JsonPropertyName("locale")] string? Locale);

/// <summary>The user a token or conversation is for.</summary>
public sealed record StartUser(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>The answer to a posted activity.</summary>
public sealed record ResourceIdResponse([property: JsonPropertyName("id")] string Id);

/// <summary>What <c>POST /api/webchat/token</c> gives the Web Chat page.</summary>
public sealed record WebChatTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("conversationId")] string ConversationId,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("userId")] string UserId);
