using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Classification;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Every store, notifier, listener, migration and model source of the PostgreSQL provider
/// (<c>Storage:Provider = PostgreSql</c>, shared by replicas), keyed by that provider's name for <see cref="StorageRegistration"/>.
/// </summary>
public static class PostgreSqlRegistration
{
    private const string Key = StorageOptions.PostgreSqlProvider;

    public static IServiceCollection AddPostgreSqlStores(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        // One data source (one connection pool) for every PostgreSQL store of the host.
        services.AddSingleton(sp => new PostgreSqlDatabase(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString!,
            sp.GetRequiredService<ILoggerFactory>()));

        services.AddKeyedSingleton<IStorage>(Key, (sp, _) => new PostgreSqlStorage(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.AddKeyedSingleton<ITranscriptStore>(Key, (sp, _) => new PostgreSqlTranscriptStore(sp.GetRequiredService<PostgreSqlDatabase>()));
        // A ticket change and its webhook event commit in one transaction.
        services.AddSingleton(sp => new PostgreSqlTicketOutbox(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.AddKeyedSingleton<ITicketOutbox>(Key, (sp, _) => sp.GetRequiredService<PostgreSqlTicketOutbox>());
        services.AddKeyedSingleton<ITicketStore>(Key, (sp, _) =>
            new PostgreSqlTicketStore(sp.GetRequiredService<PostgreSqlDatabase>(), sp.GetRequiredService<PostgreSqlTicketOutbox>(), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IQuestionInsights>(Key, (sp, _) => new PostgreSqlQuestionInsights(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.AddKeyedSingleton<IConversationSearch>(Key, (sp, _) => new PostgreSqlConversationSearch(
            sp.GetRequiredService<PostgreSqlDatabase>(), (PostgreSqlQuestionInsights)sp.GetRequiredKeyedService<IQuestionInsights>(Key)));
        services.AddKeyedSingleton<IDirectLineStore>(Key, (sp, _) => new PostgreSqlDirectLineStore(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.AddKeyedSingleton<IRetentionStore>(Key, (sp, _) => new PostgreSqlRetention(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.AddKeyedSingleton<IUserDataEraser>(Key, (sp, _) => new PostgreSqlUserDataEraser(
            sp.GetRequiredService<PostgreSqlDatabase>(),
            (PostgreSqlTranscriptStore)sp.GetRequiredKeyedService<ITranscriptStore>(Key),
            (PostgreSqlQuestionInsights)sp.GetRequiredKeyedService<IQuestionInsights>(Key)));

        // The Data Protection key ring in the database, so that what one replica issues every other accepts.
        services.AddKeyedSingleton<IXmlRepository>(Key, (sp, _) => new PostgreSqlXmlRepository(sp.GetRequiredService<PostgreSqlDatabase>()));

        // Replicas wake each other's WebSockets, and follow each other's retrained models, through
        // LISTEN/NOTIFY on the one listening connection.
        services.TryAddSingleton<InProcessConversationNotifier>();
        services.AddSingleton<PostgreSqlConversationNotifier>();
        services.AddKeyedSingleton<IConversationNotifier>(Key, (sp, _) => sp.GetRequiredService<PostgreSqlConversationNotifier>());
        services.AddKeyedSingleton<IHandoffStore>(Key, (sp, _) => new PostgreSqlHandoffStore(
            sp.GetRequiredService<PostgreSqlDatabase>(), sp.GetRequiredKeyedService<IConversationNotifier>(Key)));
        services.AddSingleton(sp => new PostgreSqlModelStore(sp.GetRequiredService<PostgreSqlDatabase>()));
        services.AddKeyedSingleton<ISharedModelSource>(Key, (sp, _) => sp.GetRequiredService<PostgreSqlModelStore>());
        services.AddSingleton<IPostgreSqlChannelSubscriber>(sp => sp.GetRequiredService<PostgreSqlConversationNotifier>());
        services.AddSingleton<IPostgreSqlChannelSubscriber>(sp => sp.GetRequiredService<PostgreSqlModelStore>());
        services.AddSingleton<PostgreSqlListener>();

        // Started with the host, in this order: the schema first.
        services.AddKeyedSingleton<IHostedService, PostgreSqlMigration>(Key);
        services.AddKeyedSingleton<IHostedService>(Key, (sp, _) => sp.GetRequiredService<PostgreSqlListener>());
        services.AddKeyedSingleton<IHostedService>(Key, (sp, _) => sp.GetRequiredService<PostgreSqlConversationNotifier>());
        return services;
    }
}
