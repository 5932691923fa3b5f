namespace SupportBot.Web.Channels.DirectLine.Credentials;

/// <summary>Who called: the holder of the secret (any conversation) or of a token (its one conversation, as its user).</summary>
public sealed record DirectLineCaller(DirectLineToken? Token)
{
    public bool HoldsSecret => Token is null;

    public bool MayUse(string conversationId) => HoldsSecret || string.Equals(Token!.ConversationId, conversationId, StringComparison.Ordinal);
}

/// <summary>Reads <c>Authorization: Bearer SECRET_OR_TOKEN</c> and answers with the documented error when it does not open the API.</summary>
public sealed class DirectLineAuthorization(DirectLineSecret secret, DirectLineTokens tokens, ILogger<DirectLineAuthorization> logger)
{
    private const string Bearer = "Bearer ";

    /// <summary>The caller, or the error to answer: 401 without a bearer credential, 403 for one that is forged, expired or for a stream.</summary>
    public bool TryAuthorize(HttpRequest request, out DirectLineCaller caller, out IResult error)
    {
        caller = new DirectLineCaller(Token: null);
        error = Results.Empty;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || header.Length == Bearer.Length)
        {
            error = DirectLineErrors.Unauthorized("Send 'Authorization: Bearer SECRET_OR_TOKEN'.");
            return false;
        }

        var credential = header[Bearer.Length..].Trim();
        if (secret.Matches(credential))
        {
            return true;
        }

        switch (tokens.Check(credential, out var grant))
        {
            case TokenCheck.Valid when grant!.Scope == TokenScope.Conversation:
                caller = new DirectLineCaller(grant);
                return true;
            case TokenCheck.Expired when grant!.Scope == TokenScope.Conversation:
                error = DirectLineErrors.TokenExpired();
                return false;
            default:
                logger.LogInformation("Refused a Direct Line request to {Path} with an invalid credential", request.Path);
                error = DirectLineErrors.Forbidden("The secret or token is not valid.");
                return false;
        }
    }
}
