using System.Security.Claims;
using Microsoft.Bot.Connector.Authentication;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>Who a turn of a channel inside this host is for, as a channel's token would say: the bot's app id, if it has one.</summary>
public static class InProcessIdentity
{
    public static ClaimsIdentity For(string appId, string channelId) => appId.Length == 0
        ? new ClaimsIdentity([], channelId)
        : new ClaimsIdentity([new Claim(AuthenticationConstants.AudienceClaim, appId), new Claim(AuthenticationConstants.AppIdClaim, appId)], channelId);
}
