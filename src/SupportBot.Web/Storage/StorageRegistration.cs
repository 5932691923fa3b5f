using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Storage;

/// <summary>The bot's <see cref="IStorage"/>, <see cref="ITranscriptStore"/>, <see cref="ITicketStore"/> and <see cref="IQuestionInsights"/>, from the provider in configuration.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddBotStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        // One database object per file: every store shares its single writer (see SqliteWriter).
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Sqlite.FullPath(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new SqliteDatabase(path, sp.GetRequiredService<ILogger<SqliteDatabase>>());
        });
        services.AddSingleton<IStorage>(sp => ForProvider<IStorage>(sp, database => new SqliteStorage(database), () => new MemoryStorage()));
        services.AddSingleton<ITranscriptStore>(sp => ForProvider<ITranscriptStore>(
            sp,
            database => new SqliteTranscriptStore(database, sp.GetRequiredService<ILogger<SqliteTranscriptStore>>()),
            () => new MemoryTranscriptStore()));

        // Tickets and their webhook outbox: one store, so a change and its event share a transaction.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => ForProvider<ITicketOutbox>(
            sp,
            database => new SqliteTicketStore(database, sp.GetRequiredService<TimeProvider>()),
            () => new MemoryTicketStore(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => (ITicketStore)sp.GetRequiredService<ITicketOutbox>());

        // The questions asked and their outcomes, for the admin dashboard.
        services.AddSingleton(sp => ForProvider<IQuestionInsights>(sp, database => new SqliteQuestionInsights(database), () => new MemoryQuestionInsights()));
        return services;
    }

    /// <summary>The store of the configured provider; <paramref name="sqlite"/> gets the shared database of the configured file.</summary>
    public static T ForProvider<T>(IServiceProvider services, Func<SqliteDatabase, T> sqlite, Func<T> memory)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return options.IsMemory ? memory() : sqlite(services.GetRequiredService<SqliteDatabase>());
    }
}
