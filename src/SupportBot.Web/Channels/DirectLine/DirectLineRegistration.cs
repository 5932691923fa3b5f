using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine.Connector;
using SupportBot.Web.Channels.DirectLine.Credentials;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Configuration;
using SupportBot.Web.Hosting;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// The self-hosted Direct Line 3.0 (<c>/v3/directline</c>) and the Web Chat token endpoint
/// (<c>/api/webchat/token</c>), with their CORS allow-list; their per-IP creation limit is <c>RateLimits:DirectLineCreation</c>.
/// </summary>
public static class DirectLineRegistration
{
    public const string CorsPolicy = "webchat";

    /// <summary>Registers the Direct Line; after <c>AddBotFramework()</c>, whose authentication it wraps.</summary>
    public static IServiceCollection AddDirectLine(this IServiceCollection services)
    {
        services.AddValidatedOptions<DirectLineOptions>(DirectLineOptions.Section);
        services.AddSingleton<IValidateOptions<DirectLineOptions>, DirectLineOptionsValidator>();
        services.AddValidatedOptions<WebChatOptions>(WebChatOptions.Section);
        services.AddSingleton<IValidateOptions<WebChatOptions>, WebChatOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretStrength>();

        services.AddSingleton(sp => DirectLineSecret.FromOptions(
            sp.GetRequiredService<IOptions<DirectLineOptions>>(), sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<ILogger<DirectLineSecret>>()));
        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineAuthorization>();
        // The history (IDirectLineStore) and the notifier (IConversationNotifier) are the storage provider's (Storage/).
        services.AddSingleton<ActivityHistory>();
        services.AddSingleton<DirectLineChannel>();
        services.AddSingleton<OpenActivityStreams>();
        services.AddSingleton<KeepAliveTicks>();
        // DirectLine:MaxPostsPerConversation per DirectLine:PostWindow, counted per conversation.
        services.AddKeyedSingleton(DirectLineChannel.ChannelId, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<DirectLineOptions>>().Value;
            return new PostsPerKey(new RateLimit { PermitLimit = options.MaxPostsPerConversation, Window = options.PostWindow }, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<BotConnectorHandler>();
        DeliverDirectLineRepliesInProcess(services);
        services.AddHttpClient<AzureDirectLineTokens>();

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<WebChatOptions>>((cors, webChat) =>
            cors.AddPolicy(CorsPolicy, policy => policy.WithOrigins(webChat.Value.AllowedOrigins).AllowAnyHeader().WithMethods("GET", "POST")));

        // The secret (generated on first start when none is configured) is there before the first request.
        return services.ResolveAtStart<DirectLineSecret>();
    }

    /// <summary>WebSockets, the Direct Line API and the token endpoint (CORS and the rate limits are in the host's pipeline).</summary>
    public static WebApplication MapDirectLine(this WebApplication app)
    {
        // No protocol pings: a stream sends its own keep-alive messages (DirectLine:KeepAliveInterval),
        // and each socket's ping timer was one more timer per open conversation for the runtime to walk.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.MapDirectLineApi();
        app.MapWebChatToken();
        return app;
    }

    // The registered BotFrameworkAuthentication, decorated: see InProcessConnectorAuthentication.
    private static void DeliverDirectLineRepliesInProcess(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(BotFrameworkAuthentication))
            ?? throw new InvalidOperationException("AddDirectLine() wraps the Bot Framework authentication: call AddBotFramework() first.");
        services.Remove(registered);
        services.AddSingleton<BotFrameworkAuthentication>(sp => new InProcessConnectorAuthentication(
            (BotFrameworkAuthentication)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
            sp.GetRequiredService<BotConnectorHandler>(),
            sp.GetRequiredService<ActivityHistory>()));
    }
}
