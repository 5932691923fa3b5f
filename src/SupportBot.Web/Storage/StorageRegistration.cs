using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Storage;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Configuration;
using SupportBot.Web.Storage.Memory;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Storage;

/// <summary>The bot's <see cref="IStorage"/>, <see cref="ITranscriptStore"/>, <see cref="ITicketStore"/> and <see cref="IQuestionInsights"/>, from the provider in configuration.</summary>
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

        // One database object per file: every store shares its single writer (see SqliteWriter).
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Sqlite.FullPath(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new SqliteDatabase(path, sp.GetRequiredService<ILogger<SqliteDatabase>>());
        });

        // One data source (one connection pool) for every PostgreSQL store of the host.
        services.AddSingleton(sp => new PostgreSqlDatabase(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString!,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<PostgreSqlMigration>();

        // The Data Protection key ring (admin cookie, antiforgery tokens) in the database, so that
        // what one replica issues every other accepts; else the default per-machine key ring.
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<StorageOptions>, IServiceProvider>((keys, storage, sp) =>
            {
                if (storage.Value.IsPostgreSql)
                {
                    keys.XmlRepository = new PostgreSqlXmlRepository(sp.GetRequiredService<PostgreSqlDatabase>());
                }
            });

        services.AddSingleton<IStorage>(sp => ForProvider<IStorage>(
            sp, database => new SqliteStorage(database), database => new PostgreSqlStorage(database), () => new MemoryStorage()));
        services.AddSingleton<ITranscriptStore>(sp => ForProvider<ITranscriptStore>(
            sp,
            database => new SqliteTranscriptStore(database, sp.GetRequiredService<ILogger<SqliteTranscriptStore>>()),
            database => new PostgreSqlTranscriptStore(database),
            () => new MemoryTranscriptStore()));

        // Tickets and their webhook outbox: one store, so a change and its event share a transaction.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => ForProvider<ITicketOutbox>(
            sp,
            database => new SqliteTicketStore(database, sp.GetRequiredService<TimeProvider>()),
            database => new PostgreSqlTicketStore(database, sp.GetRequiredService<TimeProvider>()),
            () => new MemoryTicketStore(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => (ITicketStore)sp.GetRequiredService<ITicketOutbox>());

        // The questions asked and their outcomes, for the admin dashboard.
        services.AddSingleton(sp => ForProvider<IQuestionInsights>(
            sp, database => new SqliteQuestionInsights(database, sp.GetRequiredService<ILogger<SqliteQuestionInsights>>()), database => new PostgreSqlQuestionInsights(database), () => new MemoryQuestionInsights()));
        return services;
    }

    /// <summary>The store of the configured provider, given the host's shared database object of that provider.</summary>
    public static T ForProvider<T>(IServiceProvider services, Func<SqliteDatabase, T> sqlite, Func<PostgreSqlDatabase, T> postgreSql, Func<T> memory)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return options.IsMemory ? memory()
            : options.IsPostgreSql ? postgreSql(services.GetRequiredService<PostgreSqlDatabase>())
            : sqlite(services.GetRequiredService<SqliteDatabase>());
    }
}
