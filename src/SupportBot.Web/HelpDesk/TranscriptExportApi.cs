using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Storage;
using SupportBot.Web.Http;

namespace SupportBot.Web.HelpDesk;

/// <summary>
/// A conversation's transcript as a Bot Framework <c>.transcript</c> file
/// (<c>GET /api/v1/conversations/{channelId}/{conversationId}/transcript</c>): the JSON array of its
/// activities, in the order they were logged, that the Bot Framework Emulator opens with
/// File &gt; Open Transcript. Needs a key with the <c>conversations</c> scope.
/// </summary>
public static partial class TranscriptExportApi
{
    public const string Route = "/api/v1/conversations/{channelId}/{conversationId}/transcript";

    /// <summary>The most activities one export holds; a longer conversation is cut there (and says so in a header).</summary>
    public const int MaxActivities = 5_000;

    /// <summary>The longest conversation id accepted; channels' ids are far shorter.</summary>
    public const int MaxConversationIdLength = 256;

    /// <summary>Set to <c>true</c> when the export stopped at <see cref="MaxActivities"/>.</summary>
    public const string TruncatedHeader = "X-Transcript-Truncated";

    private const int MaxFileNameLength = 120;

    public static IEndpointRouteBuilder MapTranscriptExportApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, ExportAsync)
            .WithTags("Conversations")
            .RequireApiKey(ApiKeyScope.Conversations)
            .RequireRateLimiting(RateLimits.HelpDeskApi)
            .WithName("ExportTranscript")
            .WithSummary("A conversation's activities as a Bot Framework .transcript file (opens in the Bot Framework Emulator)")
            .WithDescription($"The JSON array of the conversation's activities in order, as an attachment; at most {MaxActivities} activities " +
                $"(`{TruncatedHeader}: true` when there were more). Needs an API key with the `conversations` scope.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>The download, for an API key here and for a signed-in admin on the Conversations view (Admin/ConversationPages).</summary>
    internal static async Task<IResult> ExportAsync(
        string channelId,
        string conversationId,
        HttpContext context,
        ITranscriptStore transcripts,
        ILoggerFactory loggers)
    {
        var errors = CheckIds(channelId, conversationId);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (activities, truncated) = await ReadAsync(transcripts, channelId, conversationId, context.RequestAborted);
        if (activities.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No transcript is stored for this conversation.");
        }

        loggers.CreateLogger(typeof(TranscriptExportApi).FullName!).LogInformation(
            "Exported the transcript of a {ChannelId} conversation: {Activities} activities, truncated {Truncated}, for API key {ApiKey} or admin {Admin}",
            channelId,
            activities.Count,
            truncated,
            context.Features.Get<ApiKeyCaller>()?.KeyName,
            context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null);

        // Personal data: kept by no cache on the way.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(channelId, conversationId)}\"";
        if (truncated)
        {
            context.Response.Headers[TruncatedHeader] = "true";
        }

        // The activities as the transcript store writes them (the Bot Framework's Newtonsoft settings).
        var json = new StringBuilder("[");
        json.AppendJoin(',', activities.Select(TranscriptJson.Serialize));
        json.Append(']');
        return TypedResults.Text(json.ToString(), "application/json", Encoding.UTF8);
    }

    /// <summary>What is wrong with a channel id and conversation id from a URL (empty when both are fine).</summary>
    internal static Dictionary<string, string[]> CheckIds(string channelId, string conversationId)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsChannelId(channelId))
        {
            errors["channelId"] = ["channelId is a channel's id: 1 to 64 letters, digits, '.', '_' or '-'."];
        }

        // PostgreSQL refuses a NUL in text (a 500); no channel makes ids with control characters.
        if (conversationId.Length > MaxConversationIdLength || conversationId.Any(char.IsControl))
        {
            errors["conversationId"] = [$"conversationId is at most {MaxConversationIdLength} characters, without control characters."];
        }

        return errors;
    }

    /// <summary>Whether <paramref name="channelId"/> has a channel id's shape: 1 to 64 letters, digits, '.', '_' or '-'.</summary>
    internal static bool IsChannelId(string channelId) => ChannelIdPattern().IsMatch(channelId);

    /// <summary>Every page of the conversation's transcript, up to <see cref="MaxActivities"/>.</summary>
    internal static async Task<(List<IActivity> Activities, bool Truncated)> ReadAsync(ITranscriptStore transcripts, string channelId, string conversationId, CancellationToken cancellationToken)
    {
        var activities = await transcripts.ReadWholeTranscriptAsync(channelId, conversationId, MaxActivities, cancellationToken);

        var truncated = activities.Count > MaxActivities;
        if (truncated)
        {
            activities.RemoveRange(MaxActivities, activities.Count - MaxActivities);
        }

        return (activities, truncated);
    }

    /// <summary>The download's name: the channel and conversation ids with anything but letters, digits, '.', '_' and '-' replaced, so it cannot break out of the header's quotes or name a path.</summary>
    public static string FileName(string channelId, string conversationId)
    {
        var safe = UnsafeFileNameCharacters().Replace($"{channelId}-{conversationId}", "_").TrimStart('.');
        if (safe.Length > MaxFileNameLength)
        {
            safe = safe[..MaxFileNameLength];
        }

        return $"{(safe.Length == 0 ? "conversation" : safe)}.transcript";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ChannelIdPattern();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileNameCharacters();
}
