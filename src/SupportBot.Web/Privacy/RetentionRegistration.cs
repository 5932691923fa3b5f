using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Privacy;

/// <summary>Registers the retention settings and the sweep that applies them (docs/privacy.md, "Retention").</summary>
public static class RetentionRegistration
{
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<RetentionOptions>(RetentionOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<RetentionSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweep>());
        return services;
    }
}
