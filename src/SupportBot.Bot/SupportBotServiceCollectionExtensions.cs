using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SupportBot.Bot;

/// <summary>Registers the bot, its state and its dialogs. The host supplies IStorage, the knowledge base, the classifier and the decision policy.</summary>
public static class SupportBotServiceCollectionExtensions
{
    public static IServiceCollection AddSupportBot(this IServiceCollection services)
    {
        services.AddSingleton<ConversationState>();
        services.AddSingleton<UserState>();
        services.AddTransient<IBot, SupportBotActivityHandler>();
        return services;
    }
}
