using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Dialogs;
using SupportBot.Web.Configuration;
using SupportBot.Web.HelpDesk.Webhooks;

namespace SupportBot.Web.HelpDesk;

/// <summary>The help desk's settings (<c>HelpDesk:*</c>, validated at start), its API keys, the webhook dispatcher, and the handoff's ticket limit (<c>Handoff:*</c>).</summary>
public static class HelpDeskRegistration
{
    public static IServiceCollection AddHelpDesk(this IServiceCollection services)
    {
        services.AddValidatedOptions<HelpDeskOptions>(HelpDeskOptions.Section);
        services.AddSingleton<IValidateOptions<HelpDeskOptions>, HelpDeskOptionsValidator>();
        services.TryAddSingleton<SecretStrength>();
        services.AddValidatedOptions<HandoffOptions>(HandoffOptions.Section);  // tickets per user per window
        services.AddApiKeys();

        // No redirects: a redirected POST would be re-sent as a GET, without its body or its point.
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<HelpDeskOptions>>().Value.Webhook.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
