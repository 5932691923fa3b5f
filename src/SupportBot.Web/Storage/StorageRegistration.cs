using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Configuration;
using SupportBot.Web.Privacy;
using SupportBot.Web.Storage.Memory;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Storage;

/// <summary>
/// The storage provider of <c>Storage:Provider</c>, chosen here and nowhere else: each room
/// (Sqlite, PostgreSql, Memory) registers all its stores keyed by its provider's name, and every
/// store contract resolves to the configured provider's (docs/architecture.md).
/// </summary>
/// <remarks>
/// The choice is made when the first store is resolved, not while services are registered: the
/// configuration is complete only then (a test host adds its settings after Program has registered).
/// </remarks>
public static class StorageRegistration
{
    /// <summary>What every replica names itself to Data Protection, so their keys protect for one another.</summary>
    public const string DataProtectionApplicationName = "SupportBot";

    public static IServiceCollection AddBotStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName));
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSqliteStores();
        services.AddPostgreSqlStores();
        services.AddMemoryStores();

        Chosen<IStorage>(services);
        Chosen<ITranscriptStore>(services);
        Chosen<ITicketStore>(services);
        Chosen<ITicketOutbox>(services);
        Chosen<IQuestionInsights>(services);
        Chosen<IConversationSearch>(services);
        Chosen<IDirectLineStore>(services);
        Chosen<IConversationNotifier>(services);
        Chosen<IRetentionStore>(services);
        Chosen<IUserDataEraser>(services);
        Chosen<IHandoffStore>(services);
        services.AddHostedService<ChosenProviderWork>();

        // The Data Protection key ring (admin cookie, antiforgery tokens) in the database when the
        // provider keeps one, so that what one replica issues every other accepts; else the default per-machine key ring.
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider>((keys, sp) =>
            {
                if (sp.ChosenStore<IXmlRepository>() is { } repository)
                {
                    keys.XmlRepository = repository;
                }
            });
        return services;
    }

    /// <summary>The configured provider's registration of <typeparamref name="T"/>; null when that provider has none (a model source, a key ring).</summary>
    public static T? ChosenStore<T>(this IServiceProvider services)
        where T : class =>
        services.GetKeyedService<T>(services.GetRequiredService<IOptions<StorageOptions>>().Value.ProviderKey);

    private static void Chosen<T>(IServiceCollection services)
        where T : class =>
        services.AddSingleton(sp => sp.ChosenStore<T>()
            ?? throw new InvalidOperationException($"The storage provider '{sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider}' registers no {typeof(T).Name}."));

    /// <summary>The configured provider's background work (PostgreSQL: its migration, its listener, its notification sender), started in registration order.</summary>
    private sealed class ChosenProviderWork(IServiceProvider services) : IHostedService
    {
        private IHostedService[] _started = [];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var key = services.GetRequiredService<IOptions<StorageOptions>>().Value.ProviderKey;
            foreach (var work in services.GetKeyedServices<IHostedService>(key))
            {
                await work.StartAsync(cancellationToken);
                _started = [.. _started, work];
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var work in _started.Reverse())
            {
                await work.StopAsync(cancellationToken);
            }
        }
    }
}
