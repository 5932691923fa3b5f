using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using SupportBot.Bot;
using SupportBot.Web.Configuration;
using SupportBot.Web.Hosting;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>
/// The Bot Framework channel: authentication from configuration (<c>MicrosoftAppId</c>,
/// <c>MicrosoftAppPassword</c>, ...; with none, only the Emulator's unsigned traffic on this machine
/// is served, see <see cref="UnauthenticatedChannel"/>), the adapter, the bot, and <c>POST /api/messages</c>.
/// </summary>
public static class BotMessagesEndpoint
{
    public const string Route = "/api/messages";

    public static IServiceCollection AddBotFramework(this IServiceCollection services)
    {
        services.AddHttpClient();
        services.AddSingleton(sp => new ClientReusingAuthentication(
            new ConfigurationBotFrameworkAuthentication(
                sp.GetRequiredService<IConfiguration>(),
                httpClientFactory: sp.GetRequiredService<IHttpClientFactory>(),
                logger: sp.GetRequiredService<ILogger<BotFrameworkAuthentication>>()),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<BotFrameworkAuthentication>(sp => sp.GetRequiredService<ClientReusingAuthentication>());
        services.AddValidatedOptions<BotOptions>(BotOptions.Section);
        services.AddSingleton<AdapterWithErrorHandler>();
        services.AddSingleton<IBotFrameworkHttpAdapter>(sp => sp.GetRequiredService<AdapterWithErrorHandler>());
        services.AddSingleton<BotAdapter>(sp => sp.GetRequiredService<AdapterWithErrorHandler>());
        services.AddSupportBot();
        services.AddValidatedOptions<BotChannelOptions>(BotChannelOptions.Section);
        services.AddSingleton<UnauthenticatedChannel>();
        services.AddSingleton<InboundActivities>();

        // Settings the SDK reads on first use (MicrosoftAppType, ChannelService, ...) are checked at start.
        return services.ResolveAtStart<IBotFrameworkHttpAdapter>();
    }

    /// <summary>The channel's endpoint: limited per address, then authenticated, then limited per conversation; all behaviour lives in the bot.</summary>
    public static RouteHandlerBuilder MapBotMessages(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, (HttpContext context, InboundActivities inbound) => inbound.ProcessAsync(context))
            .RequireJsonBody()
            .AddEndpointFilter<ActivityShapeFilter>()
            .RequireRateLimiting(RateLimits.BotMessages)
            .ExcludeFromDescription();
}
