using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>Every store of the SQLite provider (<c>Storage:Provider = Sqlite</c>), keyed by that provider's name for <see cref="StorageRegistration"/>.</summary>
public static class SqliteRegistration
{
    private const string Key = StorageOptions.SqliteProvider;

    public static IServiceCollection AddSqliteStores(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        // One database object per file: every store shares its single writer (see SqliteWriter).
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Sqlite.FullPath(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new SqliteDatabase(path, sp.GetRequiredService<ILogger<SqliteDatabase>>());
        });

        services.AddKeyedSingleton<IStorage>(Key, (sp, _) => new SqliteStorage(sp.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<ITranscriptStore>(Key, (sp, _) =>
            new SqliteTranscriptStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<ILogger<SqliteTranscriptStore>>()));
        // A ticket change and its webhook event are one job of the file's single writer.
        services.AddSingleton(sp => new SqliteTicketOutbox(sp.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<ITicketOutbox>(Key, (sp, _) => sp.GetRequiredService<SqliteTicketOutbox>());
        services.AddKeyedSingleton<ITicketStore>(Key, (sp, _) =>
            new SqliteTicketStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<SqliteTicketOutbox>(), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IQuestionInsights>(Key, (sp, _) =>
            new SqliteQuestionInsights(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<ILogger<SqliteQuestionInsights>>()));
        services.AddKeyedSingleton<IConversationSearch>(Key, (sp, _) => new SqliteConversationSearch(
            sp.GetRequiredService<SqliteDatabase>(), (SqliteQuestionInsights)sp.GetRequiredKeyedService<IQuestionInsights>(Key)));
        services.AddKeyedSingleton<IDirectLineStore>(Key, (sp, _) => new SqliteDirectLineStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<IRetentionStore>(Key, (sp, _) => new SqliteRetention(sp.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<IUserDataEraser>(Key, (sp, _) => new SqliteUserDataEraser(
            sp.GetRequiredService<SqliteDatabase>(),
            (SqliteTranscriptStore)sp.GetRequiredKeyedService<ITranscriptStore>(Key),
            (SqliteQuestionInsights)sp.GetRequiredKeyedService<IQuestionInsights>(Key)));

        // One process on the file is all there is: the WebSockets are woken in process.
        services.TryAddSingleton<InProcessConversationNotifier>();
        services.AddKeyedSingleton<IConversationNotifier>(Key, (sp, _) => sp.GetRequiredService<InProcessConversationNotifier>());
        services.AddKeyedSingleton<IHandoffStore>(Key, (sp, _) => new SqliteHandoffStore(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredKeyedService<IConversationNotifier>(Key)));
        return services;
    }
}
