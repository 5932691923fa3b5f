using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Health;

namespace SupportBot.Web.Hosting;

/// <summary>Once the server listens, says where: the URLs, the web chat, the Emulator endpoint, the REST API and the health URLs.</summary>
public static class StartupLog
{
    public static WebApplication LogAddressesOnStart(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SupportBot.Web");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var appId = app.Configuration["MicrosoftAppId"];
            var authenticated = !string.IsNullOrWhiteSpace(appId);
            var unauthenticated = app.Services.GetRequiredService<UnauthenticatedChannel>();
            if (!authenticated && app.Configuration.GetValue<bool>(UnauthenticatedChannel.AllowSetting))
            {
                logger.LogWarning(
                    "No MicrosoftAppId is configured and {Setting} is on: {Endpoint} serves unsigned requests from anywhere and posts replies to any serviceUrl they name. Use this only on a closed test network.",
                    UnauthenticatedChannel.AllowSetting,
                    BotMessagesEndpoint.Route);
            }
            else if (!authenticated && unauthenticated.IsOpen)
            {
                logger.LogWarning(
                    "No MicrosoftAppId is configured: {Endpoint} serves unsigned requests, as the Bot Framework Emulator sends, only from this machine and for a loopback serviceUrl. Configure MicrosoftAppId and MicrosoftAppPassword for the Azure channels.",
                    BotMessagesEndpoint.Route);
            }
            else if (!authenticated)
            {
                logger.LogWarning(
                    "No MicrosoftAppId is configured and this host is reachable from other machines: {Endpoint} refuses every request with 401 (Web Chat and the REST API work). Configure MicrosoftAppId and MicrosoftAppPassword for the Azure channels.",
                    BotMessagesEndpoint.Route);
            }

            if (addresses.Count == 0)
            {
                return;
            }

            logger.LogInformation("SupportBot is serving on {Urls}", string.Join(", ", addresses));
            foreach (var root in addresses.Select(Browsable))
            {
                logger.LogInformation("Web chat: {WebChat} (help-desk embed {EmbedScript})", root + "/", root + "/embed.js");
                if (authenticated)
                {
                    logger.LogInformation("Bot Framework channel endpoint: {BotEndpoint} (app id {MicrosoftAppId})", root + BotMessagesEndpoint.Route, appId);
                }
                else if (unauthenticated.IsOpen)
                {
                    logger.LogInformation("Bot Framework Emulator endpoint: {EmulatorEndpoint} (leave the app id and password empty)", root + BotMessagesEndpoint.Route);
                }

                logger.LogInformation(
                    "Help-desk REST API: {ApiBase} (OpenAPI document {OpenApiDocument})", root + "/api/v1", root + "/openapi/v1.json");
                logger.LogInformation(
                    "Health: {Liveness} (alive), {Readiness} (ready)", root + HealthEndpoints.Liveness, root + HealthEndpoints.Readiness);
            }
        });
        return app;
    }

    // "http://+:3978" or "http://0.0.0.0:3978" is a binding, not an address to open: show localhost.
    private static string Browsable(string address)
    {
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}
