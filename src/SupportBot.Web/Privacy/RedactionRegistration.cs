using SupportBot.Bot.Privacy;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Privacy;

/// <summary>Binds <c>Privacy:Redact</c> (docs/privacy.md, "Redaction"): a value that is not a boolean stops the start.</summary>
public static class RedactionRegistration
{
    public static IServiceCollection AddRedaction(this IServiceCollection services)
    {
        services.AddValidatedOptions<RedactionOptions>(RedactionOptions.Section);
        return services;
    }
}
