using Microsoft.Extensions.Options;
using Npgsql;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Migrates the PostgreSQL schema when the host starts (with the PostgreSQL provider only).</summary>
/// <remarks>
/// A database that cannot be reached does not stop the host: /readyz reports it, and the stores
/// migrate on their first use once it answers. Replicas starting together take turns (see <see cref="PostgreSqlMigrator"/>).
/// </remarks>
public sealed class PostgreSqlMigration(IOptions<StorageOptions> options, IServiceProvider services, ILogger<PostgreSqlMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.IsPostgreSql)
        {
            return;
        }

        var database = services.GetRequiredService<PostgreSqlDatabase>();
        try
        {
            await database.MigrateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogError(ex, "The PostgreSQL database {Database} could not be migrated at start; the stores retry on first use", database.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
