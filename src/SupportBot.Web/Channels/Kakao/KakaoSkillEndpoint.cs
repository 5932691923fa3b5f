using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// <c>POST /api/kakao/skill</c>: the skill server of a Kakao i Open Builder bot. Checks the shared
/// secret, the request's shape and the bot id before anything runs; a refusal is a ProblemDetails
/// and stores nothing. A turn that cannot answer in time answers "try again", never a timeout.
/// </summary>
public static class KakaoSkillEndpoint
{
    public const string Route = "/api/kakao/skill";

    /// <summary>The longest botUserKey Open Builder sends (skill guide: at most 70 characters).</summary>
    public const int MaxUserKeyLength = 70;

    /// <summary>Open Builder bot ids are 24 hexadecimal characters; anything much longer is not one.</summary>
    public const int MaxBotIdLength = 128;

    public static RouteHandlerBuilder MapKakaoSkillEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync)
            .RequireJsonBody()
            .WithName("KakaoSkill")
            .ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        KakaoSkillChannel channel,
        KakaoSkillTemplate template,
        [FromKeyedServices(KakaoSkillChannel.ChannelId)] PostsPerKey limits,
        IOptions<KakaoOptions> options,
        ILogger<KakaoSkillChannel> logger,
        CancellationToken cancellationToken)
    {
        var kakao = options.Value;
        if (!string.IsNullOrEmpty(kakao.SkillSecret) && !SecretMatches(request.Headers[KakaoOptions.SecretHeader], kakao.SkillSecret))
        {
            logger.LogWarning("Refused a Kakao skill request from {RemoteAddress}: the {Header} header is missing or wrong", request.HttpContext.Connection.RemoteIpAddress, KakaoOptions.SecretHeader);
            return Problem(StatusCodes.Status401Unauthorized, $"The {KakaoOptions.SecretHeader} header is missing or does not match the skill's secret.");
        }

        // The JSON body checks read and checked the body (size, UTF-8, an object); this is its shape.
        KakaoSkillRequest? skill;
        try
        {
            skill = await JsonSerializer.DeserializeAsync<KakaoSkillRequest>(request.Body, KakaoJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, "The body is not a skill request: a field has the wrong type.");
        }

        if (Check(skill) is { } problem)
        {
            return Problem(StatusCodes.Status400BadRequest, problem);
        }

        var utterance = new KakaoUtterance(skill!.Bot!.Id!, skill.UserRequest!.User!.Id!, skill.UserRequest.Utterance!, skill.UserRequest.Lang, skill.UserRequest.Block?.Id);
        if (!kakao.Allows(utterance.BotId))
        {
            logger.LogWarning("Refused a Kakao skill request of bot {KakaoBotId}: not in Kakao:BotIds", utterance.BotId);
            return Problem(StatusCodes.Status403Forbidden, "This bot id may not call the skill (Kakao:BotIds).");
        }

        // Counted once the caller is known to be one of our bots: no one else spends a user's budget.
        if (limits.TryPost(ConversationRateLimiter.PartitionKey(KakaoSkillChannel.ChannelId, KakaoSkillChannel.ConversationId(utterance.BotId, utterance.UserKey))) is { } retryAfter)
        {
            request.HttpContext.Response.Headers.RetryAfter = RateLimits.RetryAfterSeconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, "Too many messages from this KakaoTalk user; try again shortly.");
        }

        var replies = await channel.RunTurnAsync(utterance);
        var response = replies is null
            ? KakaoSkillTemplate.Text(KakaoSkillChannel.TryAgainText)
            : template.From(replies, channel.WebChatUrl(request), KakaoSkillChannel.TryAgainText);
        return TypedResults.Json(response, KakaoJson.Options);
    }

    /// <summary>What is missing or wrong in a skill request; null when the bot can take it.</summary>
    public static string? Check(KakaoSkillRequest? skill) => skill switch
    {
        null => "The body is not a skill request.",
        { UserRequest: null } => "A skill request needs 'userRequest'.",
        { UserRequest.Utterance: null } => "A skill request needs 'userRequest.utterance'.",
        { UserRequest.User: null } or { UserRequest.User.Id: null or "" } => "A skill request needs 'userRequest.user.id' (the botUserKey).",
        { UserRequest.User.Id.Length: > MaxUserKeyLength } => $"'userRequest.user.id' is longer than {MaxUserKeyLength} characters.",
        { Bot: null } or { Bot.Id: null or "" } => "A skill request needs 'bot.id'.",
        { Bot.Id.Length: > MaxBotIdLength } => $"'bot.id' is longer than {MaxBotIdLength} characters.",
        _ => null,
    };

    // Fixed time whatever the header holds: its length and content say nothing about the secret's.
    private static bool SecretMatches(string? presented, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? string.Empty)), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);
}
