using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Storage;

/// <summary>The bot's <see cref="IStorage"/>, <see cref="ITranscriptStore"/> and <see cref="ITicketStore"/>, from the provider in configuration.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddBotStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton<IStorage>(sp => Choose<IStorage>(sp, path => new SqliteStorage(path), () => new MemoryStorage()));
        services.AddSingleton<ITranscriptStore>(sp => Choose<ITranscriptStore>(
            sp,
            path => new SqliteTranscriptStore(new SqliteDatabase(path), sp.GetRequiredService<ILogger<SqliteTranscriptStore>>()),
            () => new MemoryTranscriptStore()));

        // Tickets and their webhook outbox: one store, so a change and its event share a transaction.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Choose<ITicketOutbox>(
            sp,
            path => new SqliteTicketStore(new SqliteDatabase(path), sp.GetRequiredService<TimeProvider>()),
            () => new MemoryTicketStore(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => (ITicketStore)sp.GetRequiredService<ITicketOutbox>());
        return services;
    }

    private static T Choose<T>(IServiceProvider services, Func<string, T> sqlite, Func<T> memory)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.IsMemory)
        {
            return memory();
        }

        var path = options.Sqlite.FullPath(services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return sqlite(path);
    }
}
