using Microsoft.Extensions.Options;
using SupportBot.Bot.Telemetry;
using SupportBot.Core.Answers;
using SupportBot.Core.Classification;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Classification;

/// <summary>
/// The classifier the bot and the REST API share: a model file watched for retrained models,
/// loaded (or trained when missing) in the background so the host answers at once, and the one
/// decision policy.
/// </summary>
public static class IntentModelRegistration
{
    public static IServiceCollection AddIntentModel(this IServiceCollection services)
    {
        services.AddValidatedOptions<ClassifierOptions>(ClassifierOptions.Section);
        services.AddSingleton<IValidateOptions<ClassifierOptions>, ClassifierFilesValidator>();
        services.AddValidatedOptions<DecisionOptions>(DecisionOptions.Section);

        services.AddSingleton(sp => ClassifierFiles.Resolve(
            sp.GetRequiredService<IOptions<ClassifierOptions>>().Value,
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClassifierOptions>>().Value;
            return new ReloadingIntentClassifier(
                sp.GetRequiredService<ClassifierFiles>().ModelPath,
                sp.GetRequiredService<ILogger<ReloadingIntentClassifier>>(),
                options.ReloadDebounce)
            {
                FirstModelTimeout = options.FirstModelTimeout,
            };
        });
        services.AddSingleton<IIntentClassifier>(sp => new MeasuredIntentClassifier(
            sp.GetRequiredService<ReloadingIntentClassifier>(), sp.GetRequiredService<BotTelemetry>(), sp.GetRequiredService<TimeProvider>()));
        services.AddValidatedOptions<SharedModelOptions>(SharedModelOptions.Section);
        services.AddSingleton<SharedIntentModel>();
        services.AddHostedService<IntentModelLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedIntentModel>());

        services.AddSingleton<DecisionPolicy>();
        services.AddSingleton<AnswerService>();
        return services;
    }
}
