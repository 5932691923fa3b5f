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
/// <c>MicrosoftAppPassword</c>, ...; none configured means the Emulator's unauthenticated local
/// traffic is accepted), the adapter, the bot, and <c>POST /api/messages</c>.
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

        // Settings the SDK reads on first use (MicrosoftAppType, ChannelService, ...) are checked at start.
        return services.ResolveAtStart<IBotFrameworkHttpAdapter>();
    }

    /// <summary>The channel's endpoint: the request goes to the adapter, all behaviour lives in the bot.</summary>
    public static RouteHandlerBuilder MapBotMessages(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, (HttpRequest request, HttpResponse response, IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken cancellationToken) =>
                adapter.ProcessAsync(request, response, bot, cancellationToken))
            .RequireJsonBody()
            .AddEndpointFilter<ActivityShapeFilter>()
            .RequireRateLimiting(RateLimits.BotMessages)
            .ExcludeFromDescription();
}
