using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine.Credentials;

/// <summary>What a token grants: one conversation, as one user, until it expires.</summary>
public sealed record DirectLineToken(string ConversationId, string UserId, TokenScope Scope, DateTimeOffset ExpiresAt);

/// <summary>A conversation token opens the REST API; a stream token opens one WebSocket and lives a minute.</summary>
public enum TokenScope
{
    Conversation,
    Stream,
}

/// <summary>The outcome of checking a token.</summary>
public enum TokenCheck
{
    Valid,
    Expired,
    Invalid,
}

/// <summary>
/// Issues and verifies self-contained tokens: a JWT signed with HMAC-SHA256 under a key derived
/// from the secret, so no token table is needed and any instance with the secret can verify. The
/// JWT shape lets Direct Line clients read the <c>user</c> claim, as they do with Azure's tokens.
/// </summary>
public sealed class DirectLineTokens(DirectLineSecret secret, IOptions<DirectLineOptions> options, TimeProvider time)
{
    private static readonly string Header = WebEncoders.Base64UrlEncode("""{"alg":"HS256","typ":"JWT"}"""u8);

    public TimeSpan Lifetime => options.Value.TokenLifetime;

    public (string Token, DirectLineToken Grant) IssueConversationToken(string conversationId, string userId) =>
        Issue(conversationId, userId, TokenScope.Conversation, options.Value.TokenLifetime);

    public (string Token, DirectLineToken Grant) IssueStreamToken(string conversationId, string userId) =>
        Issue(conversationId, userId, TokenScope.Stream, options.Value.StreamUrlLifetime);

    /// <summary>Verifies the signature (in constant time), then the expiry; the grant is set unless the token is invalid.</summary>
    public TokenCheck Check(string token, out DirectLineToken? grant)
    {
        grant = null;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Header)
        {
            return TokenCheck.Invalid;
        }

        byte[] signature;
        byte[] payload;
        try
        {
            signature = WebEncoders.Base64UrlDecode(parts[2]);
            payload = WebEncoders.Base64UrlDecode(parts[1]);
        }
        catch (FormatException)
        {
            return TokenCheck.Invalid;
        }

        if (!CryptographicOperations.FixedTimeEquals(Sign(parts[0], parts[1]), signature))
        {
            return TokenCheck.Invalid;
        }

        Claims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<Claims>(payload);
        }
        catch (JsonException)
        {
            return TokenCheck.Invalid;
        }

        if (claims is null || string.IsNullOrEmpty(claims.Conversation) || string.IsNullOrEmpty(claims.User) || !Enum.TryParse<TokenScope>(claims.Scope, out var scope))
        {
            return TokenCheck.Invalid;
        }

        grant = new DirectLineToken(claims.Conversation, claims.User, scope, DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt));
        return time.GetUtcNow() < grant.ExpiresAt ? TokenCheck.Valid : TokenCheck.Expired;
    }

    private (string, DirectLineToken) Issue(string conversationId, string userId, TokenScope scope, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        var claims = new Claims(conversationId, userId, scope.ToString(), now.ToUnixTimeSeconds(), expiresAt.ToUnixTimeSeconds());
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var token = $"{Header}.{payload}.{WebEncoders.Base64UrlEncode(Sign(Header, payload))}";
        return (token, new DirectLineToken(conversationId, userId, scope, expiresAt));
    }

    private byte[] Sign(string header, string payload) =>
        HMACSHA256.HashData(secret.SigningKey, Encoding.ASCII.GetBytes($"{header}.{payload}"));

    private sealed record Claims(
        [property: JsonPropertyName("conv")] string Conversation,
        [property: JsonPropertyName("user")] string User,
        [property: JsonPropertyName("scope")] string Scope,
        [property: JsonPropertyName("iat")] long IssuedAt,
        [property: JsonPropertyName("exp")] long ExpiresAt);
}
