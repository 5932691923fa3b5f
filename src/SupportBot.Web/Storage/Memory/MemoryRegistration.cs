using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Memory;

/// <summary>Every store of the memory provider (<c>Storage:Provider = Memory</c>; lost on restart), keyed by that provider's name for <see cref="StorageRegistration"/>.</summary>
public static class MemoryRegistration
{
    private const string Key = StorageOptions.MemoryProvider;

    public static IServiceCollection AddMemoryStores(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton<IStorage>(Key, (_, _) => new MemoryStorage());
        services.AddKeyedSingleton<ITranscriptStore>(Key, (_, _) => new MemoryTranscriptStore());
        services.AddSingleton<MemoryTicketOutbox>();
        services.AddKeyedSingleton<ITicketOutbox>(Key, (sp, _) => sp.GetRequiredService<MemoryTicketOutbox>());
        services.AddSingleton(sp => new MemoryTicketStore(sp.GetRequiredService<MemoryTicketOutbox>(), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<ITicketStore>(Key, (sp, _) => sp.GetRequiredService<MemoryTicketStore>());
        services.AddSingleton<MemoryQuestionInsights>();
        services.AddKeyedSingleton<IQuestionInsights>(Key, (sp, _) => sp.GetRequiredService<MemoryQuestionInsights>());
        services.AddKeyedSingleton<IConversationSearch>(Key, (sp, _) => new MemoryConversationSearch(
            sp.GetRequiredService<MemoryQuestionInsights>(), sp.GetRequiredService<MemoryTicketStore>()));
        services.AddSingleton<MemoryDirectLineStore>();
        services.AddKeyedSingleton<IDirectLineStore>(Key, (sp, _) => sp.GetRequiredService<MemoryDirectLineStore>());
        services.AddKeyedSingleton<IRetentionStore>(Key, (sp, _) => new MemoryRetention(
            sp.GetRequiredService<MemoryQuestionInsights>(), sp.GetRequiredService<MemoryDirectLineStore>(),
            sp.GetRequiredService<MemoryTicketStore>(), sp.GetRequiredService<MemoryTicketOutbox>(), sp.GetRequiredService<MemoryHandoffStore>()));
        services.AddKeyedSingleton<IUserDataEraser>(Key, (sp, _) => new MemoryUserDataEraser(
            sp.GetRequiredKeyedService<IStorage>(Key),
            sp.GetRequiredKeyedService<ITranscriptStore>(Key),
            (MemoryTicketStore)sp.GetRequiredKeyedService<ITicketStore>(Key),
            (MemoryQuestionInsights)sp.GetRequiredKeyedService<IQuestionInsights>(Key),
            (MemoryDirectLineStore)sp.GetRequiredKeyedService<IDirectLineStore>(Key),
            sp.GetRequiredService<MemoryHandoffStore>()));
        services.TryAddSingleton<InProcessConversationNotifier>();
        services.AddSingleton(sp => new MemoryHandoffStore(sp.GetRequiredService<InProcessConversationNotifier>()));
        services.AddKeyedSingleton<IHandoffStore>(Key, (sp, _) => sp.GetRequiredService<MemoryHandoffStore>());
        services.AddKeyedSingleton<IConversationNotifier>(Key, (sp, _) => sp.GetRequiredService<InProcessConversationNotifier>());
        return services;
    }
}
