using Microsoft.Bot.Builder;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Storage;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Storage;

/// <summary>The bot's <see cref="IStorage"/> and <see cref="ITranscriptStore"/>, from the provider in configuration.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddBotStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton<IStorage>(sp => ForProvider<IStorage>(sp, path => new SqliteStorage(path), () => new MemoryStorage()));
        services.AddSingleton<ITranscriptStore>(sp => ForProvider<ITranscriptStore>(
            sp,
            path => new SqliteTranscriptStore(new SqliteDatabase(path), sp.GetRequiredService<ILogger<SqliteTranscriptStore>>()),
            () => new MemoryTranscriptStore()));
        return services;
    }

    /// <summary>The store of the configured provider; <paramref name="sqlite"/> gets the database file's full path.</summary>
    public static T ForProvider<T>(IServiceProvider services, Func<string, T> sqlite, Func<T> memory)
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
