using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Telemetry;

namespace SupportBot.Bot;

/// <summary>
/// Registers the bot, its state and its dialogs. The host supplies IStorage, ITranscriptStore,
/// ITicketStore, IHandoffStore, IQuestionInsights, the knowledge base, the classifier and the decision policy.
/// </summary>
public static class SupportBotServiceCollectionExtensions
{
    public static IServiceCollection AddSupportBot(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BotTelemetry>();
        services.AddSingleton<TurnTelemetryMiddleware>();
        services.AddSingleton<ConversationState>(sp => new SerializeOnceConversationState(new FirstSaveGuard(sp.GetRequiredService<IStorage>())));
        services.AddSingleton(sp => new UserState(new FirstSaveGuard(sp.GetRequiredService<IStorage>())));
        services.AddOptions<RedactionOptions>();
        services.AddSingleton<TextRedactor>();
        services.AddSingleton<Replies>();
        services.AddSingleton<QuestionRouter>();
        services.AddSingleton<HandoffOffers>();
        services.AddOptions<HandoffOptions>();
        services.AddSingleton<IDialog, AnswerDialog>();
        services.AddSingleton<IDialog, ClarifyDialog>();
        services.AddSingleton<IDialog, HandoffDialog>();
        services.AddSingleton<IDialog, SatisfactionDialog>();

        // Live handoff: the host binds LiveChatOptions and HandoffRelayOptions and supplies IHandoffStore.
        services.AddOptions<LiveChatOptions>();
        services.AddOptions<HandoffRelayOptions>();
        services.AddSingleton<LiveChatAvailability>();
        services.AddSingleton<HandoffLog>();
        services.AddSingleton<LiveChatTurns>();
        services.AddSingleton<IHandoffRelay, HandoffRelay>();
        services.AddTransient<IBot, SupportBotActivityHandler>();
        return services;
    }
}
