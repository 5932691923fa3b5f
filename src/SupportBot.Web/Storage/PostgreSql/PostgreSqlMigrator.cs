using Microsoft.Extensions.Logging;
using Npgsql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Applies the schema's versioned migrations (<see cref="PostgreSqlSchema"/>) that a database has not had yet, each once.</summary>
/// <remarks>
/// Replicas that start together would otherwise race to create the same tables: each holds a
/// session advisory lock for the whole run, so the second waits, then finds every version recorded
/// and applies nothing. Each migration and its row in <c>schema_migrations</c> commit together.
/// </remarks>
public sealed class PostgreSqlMigrator(NpgsqlDataSource dataSource, ILogger<PostgreSqlMigrator> logger)
{
    // Any constant both replicas agree on; "SupportB" in ASCII, so it is recognisable in pg_locks.
    private const long LockKey = 0x53757070_6f727442;

    private const string VersionTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>The versions applied by this call (empty when the database was up to date).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock($1)", cancellationToken, LockKey);
        try
        {
            await ExecuteAsync(connection, VersionTable, cancellationToken);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var done = new List<int>();
            foreach (var migration in PostgreSqlSchema.Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
                await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", cancellationToken, migration.Version, migration.Name);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied database migration {Version} ({Name})", migration.Version, migration.Name);
                done.Add(migration.Version);
            }

            return done;
        }
        finally
        {
            // Unlocked even when cancelled: the connection goes back to the pool with its session.
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock($1)", CancellationToken.None, LockKey);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
