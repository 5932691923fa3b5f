using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.Http;

namespace SupportBot.Web.Privacy;

/// <summary>
/// <c>POST /api/v1/privacy/erasures</c>: erases one user's personal data from the configured
/// provider's stores (an API key with the <c>privacy</c> scope), and records who asked, when and
/// how much, never whom (docs/privacy.md).
/// </summary>
public static class ErasureApi
{
    public const string Route = "/api/v1/privacy/erasures";

    /// <summary>The longest channel or user id accepted (Teams and Entra ids run past 100 characters).</summary>
    public const int MaxIdLength = 256;

    public static IEndpointRouteBuilder MapErasures(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, EraseAsync)
            .RequireJsonBody()
            .RequireApiKey(ApiKeyScope.Privacy)
            .RequireRateLimiting(RateLimits.HelpDeskApi)
            .Accepts<ErasureRequest>("application/json")
            .WithTags("Privacy")
            .WithName("EraseUser")
            .WithSummary("Erase a user's conversations, transcripts, Direct Line history and question log, and anonymise their tickets")
            .WithDescription("Idempotent: the same call again erases nothing more and answers 200 with zero counts. Needs an API key with the `privacy` scope.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return endpoints;
    }

    /// <summary>A hash that tells erasures of one user apart in the log without naming the user.</summary>
    public static string UserHash(string channelId, string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{channelId}\n{userId}")))[..16];

    private static async Task<Results<Ok<ErasureResult>, ValidationProblem>> EraseAsync(
        HttpContext context,
        IUserDataEraser eraser,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var body = context.Features.Get<JsonBodyFeature>()!.Root;
        var errors = new Dictionary<string, string[]>();
        string? channelId = null;
        string? userId = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "channelId":
                    channelId = Id(property, errors);
                    break;
                case "userId":
                    userId = Id(property, errors);
                    break;
                default:
                    errors[property.Name] = ["Unknown field: an erasure has channelId and userId only."];
                    break;
            }
        }

        foreach (var (name, value) in new[] { ("channelId", channelId), ("userId", userId) })
        {
            if (value is null && !errors.ContainsKey(name))
            {
                errors[name] = [$"{name} is required."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var erased = await eraser.EraseUserAsync(channelId!, userId!, cancellationToken);
        var caller = context.Features.Get<ApiKeyCaller>()?.KeyName ?? "none (Development)";
        loggers.CreateLogger(typeof(ErasureApi).FullName!).LogInformation(
            "Erasure by API key {ApiKey} at {ErasedAt:o} in channel {ChannelId} for user {UserHash}: {State} state, {Transcripts} transcript activities, {DirectLine} Direct Line rows, {Questions} questions, {Tickets} tickets anonymised",
            caller,
            time.GetUtcNow(),
            channelId,
            UserHash(channelId!, userId!),
            erased.State,
            erased.Transcripts,
            erased.DirectLine,
            erased.Questions,
            erased.Tickets);
        return TypedResults.Ok(new ErasureResult(channelId!, userId!, erased.ByKind));
    }

    private static string? Id(JsonProperty property, Dictionary<string, string[]> errors)
    {
        var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength)
        {
            errors[property.Name] = [$"{property.Name} is a non-empty string of at most {MaxIdLength} characters."];
            return null;
        }

        return value;
    }
}

/// <summary>Who to erase: the channel and the user's id in it, as the channel's activities give them.</summary>
public sealed record ErasureRequest(string ChannelId, string UserId);

/// <summary>What an erasure removed or anonymised: <c>state</c> (keys), <c>transcripts</c> (activities), <c>directLine</c> (rows), <c>questions</c>, <c>tickets</c> (anonymised).</summary>
public sealed record ErasureResult(string ChannelId, string UserId, IReadOnlyDictionary<string, int> Erased);
