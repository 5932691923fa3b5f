using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.AddKeyedSingleton<ITicketStore>(Key, (sp, _) => new MemoryTicketStore(sp.GetRequiredService<MemoryTicketOutbox>(), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IQuestionInsights>(Key, (_, _) => new MemoryQuestionInsights());
        services.AddKeyedSingleton<IDirectLineStore>(Key, (_, _) => new MemoryDirectLineStore());
        services.AddKeyedSingleton<IUserDataEraser>(Key, (sp, _) => new MemoryUserDataEraser(
            sp.GetRequiredKeyedService<IStorage>(Key),
            sp.GetRequiredKeyedService<ITranscriptStore>(Key),
            (MemoryTicketStore)sp.GetRequiredKeyedService<ITicketStore>(Key),
            (MemoryQuestionInsights)sp.GetRequiredKeyedService<IQuestionInsights>(Key),
            (MemoryDirectLineStore)sp.GetRequiredKeyedService<IDirectLineStore>(Key)));
        services.TryAddSingleton<InProcessConversationNotifier>();
        services.AddKeyedSingleton<IConversationNotifier>(Key, (sp, _) => sp.GetRequiredService<InProcessConversationNotifier>());
        return services;
    }
}
