using Npgsql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Migrates the PostgreSQL schema when the host starts (registered with the PostgreSQL provider only).</summary>
/// <remarks>
/// A database that cannot be reached does not stop the host: /readyz reports it, and the stores
/// migrate on their first use once it answers. Replicas starting together take turns (see <see cref="PostgreSqlMigrator"/>).
/// </remarks>
public sealed class PostgreSqlMigration(PostgreSqlDatabase database, ILogger<PostgreSqlMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
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
