using System.Net;
using System.Net.Mime;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Bot.Schema;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine.Connector;

/// <summary>
/// The Bot Connector API as the bot's <c>ConnectorClient</c> calls it for a Direct Line
/// conversation, answered in process: <c>POST v3/conversations/{id}/activities[/{replyToId}]</c>
/// appends the bot's activity to the conversation's history. No HTTP hop and no AAD token, so it works
/// offline and with or without a MicrosoftAppId. Updating and deleting activities are refused, as
/// Azure's Direct Line does.
/// </summary>
public sealed partial class BotConnectorHandler(ActivityHistory history, ILogger<BotConnectorHandler> logger) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var match = ActivitiesPath().Match(request.RequestUri?.AbsolutePath ?? string.Empty);
        if (!match.Success)
        {
            return Error(HttpStatusCode.NotFound, "NotFound", "This Direct Line serves only the activities of a conversation to the bot.");
        }

        if (request.Method != HttpMethod.Post)
        {
            return Error(HttpStatusCode.MethodNotAllowed, "BadArgument", "Direct Line does not update or delete activities.");
        }

        var conversationId = Uri.UnescapeDataString(match.Groups["conversation"].Value);
        var json = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        if (ActivityJson.Deserialize(json) is not { } activity || string.IsNullOrEmpty(activity.Type))
        {
            return Error(HttpStatusCode.BadRequest, "BadArgument", "The body is not an activity.");
        }

        activity.Conversation = new ConversationAccount(id: conversationId);
        try
        {
            var watermark = await history.AppendAsync(conversationId, activity, cancellationToken);
            logger.LogDebug("The bot sent a {ActivityType} to Direct Line conversation {ConversationId} at watermark {Watermark}", activity.Type, conversationId, watermark);
        }
        catch (ConversationNotFoundException)
        {
            return Error(HttpStatusCode.NotFound, "NotFound", $"There is no conversation '{conversationId}'.");
        }

        return Json(HttpStatusCode.OK, new ResourceResponse(activity.Id));
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message) =>
        Json(status, new ErrorResponse(new Error(code, message)));

    private static HttpResponseMessage Json<T>(HttpStatusCode status, T body) => new(status)
    {
        Content = new StringContent(Newtonsoft.Json.JsonConvert.SerializeObject(body, ActivityJson.Settings), Encoding.UTF8, MediaTypeNames.Application.Json),
    };

    [GeneratedRegex("/v3/conversations/(?<conversation>[^/]+)/activities(?:/(?<activity>[^/]+))?$")]
    private static partial Regex ActivitiesPath();
}
