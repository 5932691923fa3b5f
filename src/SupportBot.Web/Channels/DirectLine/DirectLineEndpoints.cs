using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine.Credentials;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>The Direct Line 3.0 REST API under <c>/v3/directline</c>, as the DL 3.0 reference describes it.</summary>
public static class DirectLineEndpoints
{
    /// <summary>The most activities one GET or one stream message carries; the client asks again from the new watermark.</summary>
    public const int PageSize = 100;

    // A start body is a user id, a name and a locale: a few hundred bytes.
    private const int MaxStartBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapDirectLineApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(DirectLineUrls.BasePath)
            .RequireCors(DirectLineRegistration.CorsPolicy)
            .ExcludeFromDescription();

        // The start and token bodies are optional (DL 3.0); one that is there is checked as any JSON body.
        api.MapPost("/tokens/generate", GenerateTokenAsync).AllowJsonBody(DirectLineErrors.WriteAsync).RequireRateLimiting(RateLimits.DirectLineCreation);
        api.MapPost("/tokens/refresh", RefreshToken).AllowJsonBody(DirectLineErrors.WriteAsync);
        api.MapPost("/conversations", StartConversationAsync).AllowJsonBody(DirectLineErrors.WriteAsync).RequireRateLimiting(RateLimits.DirectLineCreation);
        api.MapGet("/conversations/{conversationId}", ReconnectAsync);
        api.MapPost("/conversations/{conversationId}/activities", PostActivityAsync).RequireJsonBody(DirectLineErrors.WriteAsync);
        api.MapGet("/conversations/{conversationId}/activities", GetActivitiesAsync);
        api.MapGet("/conversations/{conversationId}/stream", ActivityStream.RunAsync);
        return api;
    }

    /// <summary>A new conversation id: 22 URL-safe random characters, unguessable.</summary>
    public static string NewConversationId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    /// <summary>A user id for a page that did not name one; <c>dl_</c> marks ids that come from a token.</summary>
    public static string NewUserId() => "dl_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(12));

    private static async Task<IResult> GenerateTokenAsync(HttpRequest request, DirectLineAuthorization authorization, DirectLineTokens tokens, CancellationToken cancellationToken)
    {
        if (!authorization.TryAuthorize(request, out var caller, out var error))
        {
            return error;
        }

        if (!caller.HoldsSecret)
        {
            return DirectLineErrors.Forbidden("Generating a token needs the secret.");
        }

        var (body, bodyError) = await ReadStartRequestAsync(request, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (token, grant) = tokens.IssueConversationToken(NewConversationId(), body.User?.Id ?? NewUserId());
        return TypedResults.Ok(new ConversationResponse(grant.ConversationId, token, tokens.SecondsLeft(grant)));
    }

    private static IResult RefreshToken(HttpRequest request, DirectLineAuthorization authorization, DirectLineTokens tokens)
    {
        if (!authorization.TryAuthorize(request, out var caller, out var error))
        {
            return error;
        }

        if (caller.Token is not { } current)
        {
            return DirectLineErrors.Forbidden("Refresh a token with the token itself; the secret does not expire.");
        }

        // The total life is bounded: a refreshed token keeps the first one's issue time.
        if (tokens.RenewConversationToken(current) is not { } renewed)
        {
            return DirectLineErrors.TokenLifeOver();
        }

        var (token, grant) = renewed;
        return TypedResults.Ok(new ConversationResponse(grant.ConversationId, token, tokens.SecondsLeft(grant)));
    }

    private static async Task<IResult> StartConversationAsync(
        HttpRequest request, DirectLineAuthorization authorization, DirectLineTokens tokens, DirectLineChannel channel, CancellationToken cancellationToken)
    {
        if (!authorization.TryAuthorize(request, out var caller, out var error))
        {
            return error;
        }

        var (body, bodyError) = await ReadStartRequestAsync(request, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        // A token names its conversation and user; the secret starts a new one for the user in the body.
        var conversationId = caller.Token?.ConversationId ?? NewConversationId();
        var userId = caller.Token?.UserId ?? body.User?.Id ?? NewUserId();
        if (Connect(request, tokens, caller.Token, conversationId, userId, watermark: null) is not { } response)
        {
            return DirectLineErrors.TokenLifeOver();
        }

        var started = await channel.StartAsync(conversationId, userId, DirectLineUrls.ServiceUrl(request), body.Locale, cancellationToken);
        return started ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> ReconnectAsync(
        string conversationId, string? watermark, HttpRequest request, DirectLineAuthorization authorization, DirectLineTokens tokens, IDirectLineStore store, CancellationToken cancellationToken)
    {
        var access = await AuthorizeConversationAsync(request, conversationId, authorization, store, cancellationToken);
        if (access.Refusal is not null)
        {
            return access.Refusal;
        }

        if (!TryParseWatermark(watermark, out var from))
        {
            return DirectLineErrors.BadArgument("The watermark is not one this service gave.");
        }

        return Connect(request, tokens, access.Caller.Token, conversationId, access.Conversation!.UserId, string.IsNullOrEmpty(watermark) ? null : from) is { } response
            ? TypedResults.Ok(response)
            : DirectLineErrors.TokenLifeOver();
    }

    private static async Task<IResult> PostActivityAsync(
        string conversationId,
        HttpRequest request,
        DirectLineAuthorization authorization,
        DirectLineChannel channel,
        [FromKeyedServices(DirectLineChannel.ChannelId)] PostsPerKey postLimits,
        CancellationToken cancellationToken)
    {
        // No lookup of the conversation: appending to one that does not exist fails (404 below),
        // and a lookup was a read of the store on every turn.
        var access = AuthorizeCaller(request, conversationId, authorization);
        if (access.Refusal is not null)
        {
            return access.Refusal;
        }

        // Counted after authorization: no one but the conversation's own caller spends its budget.
        if (postLimits.TryPost(conversationId) is { } retryAfter)
        {
            return DirectLineErrors.TooManyRequests("Too many activities in this conversation", retryAfter);
        }

        // The body was size-checked and parsed as a JSON object by the JSON body checks.
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        if (ActivityJson.Deserialize(await reader.ReadToEndAsync(cancellationToken)) is not { } activity)
        {
            return DirectLineErrors.BadArgument("The body is not an activity: a field has the wrong type.");
        }

        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return DirectLineErrors.BadArgument("An activity needs a 'type'.");
        }

        // A token's user is who speaks; only the secret's holder may speak for a user it names.
        var userId = access.Caller.Token?.UserId ?? activity.From?.Id;
        if (string.IsNullOrWhiteSpace(userId))
        {
            return DirectLineErrors.BadArgument("With the secret, an activity needs 'from.id'.");
        }

        PostedActivity posted;
        try
        {
            posted = await channel.PostAsync(conversationId, userId, activity, DirectLineUrls.ServiceUrl(request), cancellationToken);
        }
        catch (ConversationNotFoundException)
        {
            return DirectLineErrors.ConversationNotFound(conversationId);
        }

        return posted.BotFailed ? DirectLineErrors.BotError() : TypedResults.Ok(new ResourceIdResponse(posted.Id));
    }

    private static async Task<IResult> GetActivitiesAsync(
        string conversationId, string? watermark, HttpRequest request, DirectLineAuthorization authorization, IDirectLineStore store, CancellationToken cancellationToken)
    {
        var access = await AuthorizeConversationAsync(request, conversationId, authorization, store, cancellationToken);
        if (access.Refusal is not null)
        {
            return access.Refusal;
        }

        if (!TryParseWatermark(watermark, out var from))
        {
            return DirectLineErrors.BadArgument("The watermark is not one this service gave.");
        }

        var page = await store.ReadAsync(conversationId, from, PageSize, cancellationToken);
        return TypedResults.Text(ActivitySetJson(page), "application/json", Encoding.UTF8);
    }

    /// <summary><c>{"activities": [...], "watermark": "n"}</c>, the activities written as stored.</summary>
    public static string ActivitySetJson(ActivityPage page)
    {
        var json = new StringBuilder("{\"activities\":[");
        for (var i = 0; i < page.Activities.Count; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append(page.Activities[i].Json);
        }

        return json.Append("],\"watermark\":\"").Append(page.Watermark.ToString(CultureInfo.InvariantCulture)).Append("\"}").ToString();
    }

    /// <summary>An absent or empty watermark means from the start.</summary>
    public static bool TryParseWatermark(string? watermark, out long value)
    {
        value = 0;
        return string.IsNullOrEmpty(watermark)
            || (long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0);
    }

    /// <summary>A conversation token (renewing the caller's, else a first one for the secret's holder) and a streamUrl; null when the caller's tokens reached their total life.</summary>
    private static ConversationResponse? Connect(HttpRequest request, DirectLineTokens tokens, DirectLineToken? current, string conversationId, string userId, long? watermark)
    {
        var issued = current is null ? tokens.IssueConversationToken(conversationId, userId) : tokens.RenewConversationToken(current);
        if (issued is not { } conversationToken)
        {
            return null;
        }

        var (token, grant) = conversationToken;
        var (streamToken, _) = tokens.IssueStreamToken(grant);
        return new ConversationResponse(conversationId, token, tokens.SecondsLeft(grant), DirectLineUrls.StreamUrl(request, conversationId, watermark, streamToken));
    }

    // 401/403 before 404: a caller learns nothing about conversations it may not use.
    private static async Task<ConversationAccess> AuthorizeConversationAsync(
        HttpRequest request, string conversationId, DirectLineAuthorization authorization, IDirectLineStore store, CancellationToken cancellationToken)
    {
        var access = AuthorizeCaller(request, conversationId, authorization);
        if (access.Refusal is not null)
        {
            return access;
        }

        var conversation = await store.FindAsync(conversationId, cancellationToken);
        return access with { Conversation = conversation, Refusal = conversation is null ? DirectLineErrors.ConversationNotFound(conversationId) : null };
    }

    private static ConversationAccess AuthorizeCaller(HttpRequest request, string conversationId, DirectLineAuthorization authorization)
    {
        if (!authorization.TryAuthorize(request, out var caller, out var error))
        {
            return new ConversationAccess(caller, null, error);
        }

        return caller.MayUse(conversationId)
            ? new ConversationAccess(caller, null, null)
            : new ConversationAccess(caller, null, DirectLineErrors.Forbidden("The token is for another conversation."));
    }

    private static async Task<(StartRequest Body, IResult? Error)> ReadStartRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var empty = new StartRequest(User: null, Locale: null);
        if (request.ContentLength > MaxStartBodyBytes)
        {
            return (empty, DirectLineErrors.Result(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", $"The body is larger than {MaxStartBodyBytes} bytes."));
        }

        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxStartBodyBytes)
            {
                return (empty, DirectLineErrors.Result(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", $"The body is larger than {MaxStartBodyBytes} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (empty, null);
        }

        try
        {
            var body = JsonSerializer.Deserialize<StartRequest>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) ?? empty;
            if (body.User?.Id is { } id && string.IsNullOrWhiteSpace(id))
            {
                body = body with { User = body.User with { Id = null } };
            }

            return (body, null);
        }
        catch (JsonException)
        {
            return (empty, DirectLineErrors.BadArgument("The body is not valid JSON of the form {\"user\": {\"id\": \"...\"}}."));
        }
    }

    /// <summary>Who asked for a conversation, the conversation, or the error to answer instead.</summary>
    private sealed record ConversationAccess(DirectLineCaller Caller, DirectLineConversation? Conversation, IResult? Refusal);
}
