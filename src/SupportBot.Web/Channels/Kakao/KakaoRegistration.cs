using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Web.Configuration;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// KakaoTalk through Kakao i Open Builder: <c>POST /api/kakao/skill</c> (the <c>Kakao</c> section;
/// the per-user limit is <c>RateLimits:KakaoSkillPerUser</c>). Off outside Development until
/// <c>Kakao:BotIds</c> names a bot.
/// </summary>
public static class KakaoRegistration
{
    /// <summary>Registers the channel; after <c>AddBotFramework()</c> and <c>AddDirectLine()</c>, whose adapter and bot name it uses.</summary>
    public static IServiceCollection AddKakaoSkill(this IServiceCollection services)
    {
        services.AddValidatedOptions<KakaoOptions>(KakaoOptions.Section);
        services.AddSingleton<IValidateOptions<KakaoOptions>, KakaoOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretStrength>();
        services.AddSingleton<KakaoSkillChannel>();
        services.AddSingleton<KakaoSkillTemplate>();
        // RateLimits:KakaoSkillPerUser, per user: never per address, Kakao's few servers carry every user's messages.
        services.AddKeyedSingleton(KakaoSkillChannel.ChannelId, (sp, _) => new PostsPerKey(sp.GetRequiredService<IOptions<RateLimitOptions>>().Value.KakaoSkillPerUser, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Maps the skill endpoint, unless it is off: no bot ids outside Development (then 404).</summary>
    public static WebApplication MapKakaoSkill(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<KakaoOptions>>().Value;
        if (options.BotIds.Length == 0 && !app.Environment.IsDevelopment())
        {
            app.Logger.LogInformation("The KakaoTalk skill ({Route}) is off: Kakao:BotIds names no Open Builder bot", KakaoSkillEndpoint.Route);
            return app;
        }

        if (options.BotIds.Length == 0)
        {
            app.Logger.LogWarning("Kakao:BotIds is empty: in Development the KakaoTalk skill ({Route}) takes any bot id", KakaoSkillEndpoint.Route);
        }

        app.MapKakaoSkillEndpoint();
        return app;
    }
}
