using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.HelpDesk.LiveChat;

/// <summary>Live chat with agents: <c>HelpDesk:OfficeHours</c>, <c>MaxWait</c> and <c>PresenceTimeout</c> (validated at start), the relay's identity, and the sweep that times out waits.</summary>
public static class LiveChatRegistration
{
    public static IServiceCollection AddLiveChat(this IServiceCollection services)
    {
        services.AddValidatedOptions<LiveChatOptions>(LiveChatOptions.Section);
        services.AddSingleton<IValidateOptions<LiveChatOptions>, LiveChatOptionsValidator>();

        // Proactive turns claim the bot's own app id, as the channel's turns do (empty: Emulator, in-process Direct Line).
        services.AddOptions<HandoffRelayOptions>()
            .Configure<IConfiguration>((relay, configuration) => relay.AppId = configuration["MicrosoftAppId"] ?? string.Empty);
        services.AddHostedService<HandoffTimeouts>();
        return services;
    }
}
