using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Retention over the shared database: each batch is one short transaction under a transaction
/// advisory lock, which another replica's sweep skips (its batch deletes nothing) instead of waiting for.
/// </summary>
public sealed class PostgreSqlRetention(PostgreSqlDatabase database) : IRetentionStore
{
    // Any constant other replicas agree on, distinct from the migrator's.
    private const long SweepLockKey = 0x5265_7465_6E74_696FL;

    public IReadOnlySet<RetentionKind> Kinds => RetentionSql.Kinds;

    public async Task<int> DeleteOlderThanAsync(RetentionKind kind, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var locked = connection.Command("SELECT pg_try_advisory_xact_lock($1)", SweepLockKey))
        {
            if (await locked.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        var deleted = 0;
        foreach (var sql in RetentionSql.Statements(kind))
        {
            await using var command = connection.Command(sql, cutoff.ToUniversalTime(), (long)batchSize);
            deleted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }
}
