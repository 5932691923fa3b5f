using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine.Credentials;

/// <summary>
/// What a token grants: one conversation, as one user, until it expires. <see cref="FirstIssuedAt"/>
/// is when the conversation's first token was issued (refreshes carry it, to bound the total life);
/// <see cref="StreamEndsAt"/> is when a stream opened with a stream token is closed: the expiry of
/// the conversation token issued with it.
/// </summary>
public sealed record DirectLineToken(string ConversationId, string UserId, TokenScope Scope, DateTimeOffset ExpiresAt, DateTimeOffset FirstIssuedAt, DateTimeOffset StreamEndsAt);

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

    private static readonly JsonSerializerOptions WithoutNulls = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public TimeSpan Lifetime => options.Value.TokenLifetime;

    /// <summary>Seconds until the grant expires, for <c>expires_in</c>: less than the lifetime when the total life ends first.</summary>
    /// <remarks>Rounded up: the expiry is kept in whole seconds, and a fresh token says its full lifetime.</remarks>
    public int SecondsLeft(DirectLineToken grant) =>
        Math.Clamp((int)Math.Ceiling((grant.ExpiresAt - time.GetUtcNow()).TotalSeconds), 0, (int)options.Value.TokenLifetime.TotalSeconds);

    /// <summary>The first token of a conversation (or of a new grant from the secret): its total life starts now.</summary>
    public (string Token, DirectLineToken Grant) IssueConversationToken(string conversationId, string userId)
    {
        var now = time.GetUtcNow();
        var expiresAt = Min(now + options.Value.TokenLifetime, now + options.Value.MaxTokenAge);
        return Issue(conversationId, userId, TokenScope.Conversation, now, expiresAt, now, expiresAt);
    }

    /// <summary>
    /// The token that replaces <paramref name="current"/> (a refresh, a reconnect): it keeps the
    /// first token's issue time and expires after the lifetime or when the conversation's tokens
    /// reach <c>DirectLine:MaxTokenAge</c>, whichever comes first. Null when they already have.
    /// </summary>
    public (string Token, DirectLineToken Grant)? RenewConversationToken(DirectLineToken current)
    {
        var now = time.GetUtcNow();
        var end = current.FirstIssuedAt + options.Value.MaxTokenAge;
        if (end <= now)
        {
            return null;
        }

        var expiresAt = Min(now + options.Value.TokenLifetime, end);
        return Issue(current.ConversationId, current.UserId, TokenScope.Conversation, now, expiresAt, current.FirstIssuedAt, expiresAt);
    }

    /// <summary>A stream token for a <c>streamUrl</c>: opens the WebSocket within its minute, which is then closed when <paramref name="conversationToken"/> expires.</summary>
    public (string Token, DirectLineToken Grant) IssueStreamToken(DirectLineToken conversationToken)
    {
        var now = time.GetUtcNow();
        return Issue(
            conversationToken.ConversationId,
            conversationToken.UserId,
            TokenScope.Stream,
            now,
            Min(now + options.Value.StreamUrlLifetime, conversationToken.ExpiresAt),
            conversationToken.FirstIssuedAt,
            conversationToken.ExpiresAt);
    }

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

        // Tokens issued before the total life was bounded count from their own issue.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt);
        grant = new DirectLineToken(
            claims.Conversation,
            claims.User,
            scope,
            expiresAt,
            DateTimeOffset.FromUnixTimeSeconds(claims.FirstIssuedAt ?? claims.IssuedAt),
            claims.StreamEndsAt is { } ends ? DateTimeOffset.FromUnixTimeSeconds(ends) : expiresAt);
        return time.GetUtcNow() < grant.ExpiresAt ? TokenCheck.Valid : TokenCheck.Expired;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Seconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    private (string, DirectLineToken) Issue(
        string conversationId, string userId, TokenScope scope, DateTimeOffset now, DateTimeOffset expiresAt, DateTimeOffset firstIssuedAt, DateTimeOffset streamEndsAt)
    {
        var claims = new Claims(
            conversationId,
            userId,
            scope.ToString(),
            now.ToUnixTimeSeconds(),
            expiresAt.ToUnixTimeSeconds(),
            firstIssuedAt.ToUnixTimeSeconds(),
            scope == TokenScope.Stream ? streamEndsAt.ToUnixTimeSeconds() : null);
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(claims, WithoutNulls));
        var token = $"{Header}.{payload}.{WebEncoders.Base64UrlEncode(Sign(Header, payload))}";
        return (token, new DirectLineToken(conversationId, userId, scope, Seconds(expiresAt), Seconds(firstIssuedAt), Seconds(streamEndsAt)));
    }

    private byte[] Sign(string header, string payload) =>
        HMACSHA256.HashData(secret.SigningKey, Encoding.ASCII.GetBytes($"{header}.{payload}"));

    private sealed record Claims(
        [property: JsonPropertyName("conv")] string Conversation,
        [property: JsonPropertyName("user")] string User,
        [property: JsonPropertyName("scope")] string Scope,
        [property: JsonPropertyName("iat")] long IssuedAt,
        [property: JsonPropertyName("exp")] long ExpiresAt,
        [property: JsonPropertyName("first_iat")] long? FirstIssuedAt,
        [property: JsonPropertyName("stream_end")] long? StreamEndsAt);
}
