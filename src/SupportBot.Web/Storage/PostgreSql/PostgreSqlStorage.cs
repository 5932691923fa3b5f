using Microsoft.Bot.Builder;
using Npgsql;
using SupportBot.Bot.Storage;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>Bot state in PostgreSQL, shared by every replica: the same contract as <see cref="SqliteStorage"/>, ETag checks included.</summary>
/// <remarks>
/// A read is one statement for all its keys; a write of one key (every turn's ConversationState)
/// is one statement whose conditional upsert compares the ETag and writes in the same step, so two
/// replicas saving one conversation cannot both win. A write of several keys runs in one
/// transaction and stores nothing when any key conflicts.
/// </remarks>
public sealed class PostgreSqlStorage(PostgreSqlDatabase database) : IStorage
{
    private const string UpsertSql = """
        INSERT INTO bot_state (state_key, etag, document, updated_at)
        VALUES ($1, $2, $3, now())
        ON CONFLICT (state_key) DO UPDATE
            SET etag = excluded.etag, document = excluded.document, updated_at = excluded.updated_at
            WHERE $4::text IS NULL OR bot_state.etag IS NULL OR bot_state.etag = $4::text
        """;

    private const string DeleteSql = "DELETE FROM bot_state WHERE state_key = $1";

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        StateWrite.ThrowIfAnyKeyIsNull(keys, nameof(keys));
        cancellationToken.ThrowIfCancellationRequested();

        var items = new Dictionary<string, object>(keys.Length, StringComparer.Ordinal);
        if (keys.Length == 0)
        {
            return items;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT state_key, etag, document FROM bot_state WHERE state_key = ANY($1)", (object)keys.Distinct(StringComparer.Ordinal).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            if (StateWrite.ReadBack(key, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)) is { } item)
            {
                items.Add(key, item);
            }
        }

        return items;
    }

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();

        // Serialised first, so that a value which cannot be stored fails before the database is asked.
        var writes = changes.Select(change => StateWrite.For(change.Key, change.Value)).ToList();
        if (writes.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = writes.Count > 1 ? await connection.BeginTransactionAsync(cancellationToken) : null;
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write.IsDelete
                ? PostgreSqlCommands.BatchCommand(DeleteSql, write.Key)
                : PostgreSqlCommands.BatchCommand(UpsertSql, write.Key, write.NewETag, write.Document, write.ExpectedETag));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        var conflict = writes.Select((write, index) => (write, batch.BatchCommands[index].RecordsAffected))
            .FirstOrDefault(w => !w.write.IsDelete && w.RecordsAffected == 0).write;
        if (conflict.Key is not null)
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
            }

            throw new ETagConflictException(conflict.Key, conflict.ExpectedETag, await CurrentETagAsync(connection, conflict.Key, cancellationToken));
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        StateWrite.ThrowIfAnyKeyIsNull(keys, nameof(keys));
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Length == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM bot_state WHERE state_key = ANY($1)", (object)keys);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> CurrentETagAsync(NpgsqlConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var read = connection.Command("SELECT etag FROM bot_state WHERE state_key = $1", key);
        return await read.ExecuteScalarAsync(cancellationToken) as string;
    }
}
