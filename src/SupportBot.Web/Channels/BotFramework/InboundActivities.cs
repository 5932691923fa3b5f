using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>
/// One POST to <c>/api/messages</c>, in the order that keeps a forged request from costing anyone
/// anything: authenticate; refuse an unauthenticated activity that <see cref="UnauthenticatedChannel"/>
/// does not allow (401, and the bot calls nobody); only then count it against its conversation's
/// limit (so unsigned requests naming a victim's conversation cannot spend its budget); then run
/// the turn. The steps of <c>CloudAdapter.ProcessAsync</c>, with the two checks in between.
/// </summary>
public sealed class InboundActivities(
    AdapterWithErrorHandler adapter,
    IBot bot,
    UnauthenticatedChannel unauthenticated,
    ConversationRateLimiter conversations,
    ILogger<InboundActivities> logger)
{
    public async Task ProcessAsync(HttpContext context)
    {
        var request = context.Request;
        var activity = await HttpHelper.ReadRequestAsync<Activity>(request);
        if (string.IsNullOrEmpty(activity?.Type))
        {
            // The shape filter refuses these first; this keeps the adapter's own guard.
            await TypedResults.Problem(detail: "The body is not a Bot Framework activity.", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        AuthenticateRequestResult authenticated;
        try
        {
            authenticated = await adapter.AuthenticateAsync(activity, request.Headers.Authorization.ToString(), context.RequestAborted);
        }
        catch (UnauthorizedAccessException)
        {
            await RefuseAsync(context, activity, "The request is not signed by a channel this bot trusts.");
            return;
        }

        if (unauthenticated.IsUnauthenticated(authenticated.ClaimsIdentity) && unauthenticated.Refusal(context, activity) is { } reason)
        {
            await RefuseAsync(context, activity, reason);
            return;
        }

        using (var lease = conversations.AttemptAcquire(activity.ChannelId, activity.Conversation?.Id))
        {
            if (!lease.IsAcquired)
            {
                await RateLimits.WriteTooManyAsync(context, lease, "Too many activities in this conversation", RateLimits.BotMessages);
                return;
            }
        }

        var invokeResponse = await adapter.ProcessAuthenticatedAsync(authenticated, activity, bot.OnTurnAsync, context.RequestAborted);
        await HttpHelper.WriteResponseAsync(context.Response, invokeResponse);
    }

    private Task RefuseAsync(HttpContext context, Activity activity, string reason)
    {
        logger.LogWarning(
            "Refused an activity for {ServiceUrl} on {ChannelId} from {RemoteAddress} with 401: {Reason}",
            activity.ServiceUrl,
            activity.ChannelId,
            context.Connection.RemoteIpAddress,
            reason);
        return TypedResults.Problem(detail: reason, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    }
}
