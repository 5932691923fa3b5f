using Microsoft.Bot.Builder;
using Microsoft.Data.Sqlite;
using SupportBot.Bot.Storage;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>Bot state in a SQLite file, the embedded default: MemoryStorage's contract, with ETag checks that hold across every instance and process sharing the file.</summary>
/// <remarks>
/// An <see cref="IStoreItem"/> gets a new ETag on every write. Writing one whose ETag is set, not
/// <c>*</c>, and not the stored one throws an <see cref="ArgumentException"/> ("Etag conflict", as
/// MemoryStorage does) and writes nothing; <c>*</c>, null or empty overwrites. A dictionary value
/// (the state ConversationState and UserState keep) is read back with its ETag under
/// <see cref="StateETagKey"/>, so a turn that saves state another turn changed meanwhile fails
/// instead of overwriting it; MemoryStorage has no such check. Other values are last writer wins.
/// A write of several keys is all or nothing.
/// </remarks>
public sealed class SqliteStorage : IStorage
{
    // The compare and the write are one statement, run inside the writer's transaction (which holds
    // the file's write lock), so no other connection, in this process or another, can write between them.
    private const string UpsertSql = """
        INSERT INTO bot_state (state_key, etag, document, updated_at)
        VALUES ($key, $etag, $document, $updatedAt)
        ON CONFLICT (state_key) DO UPDATE
            SET etag = excluded.etag, document = excluded.document, updated_at = excluded.updated_at
            WHERE $expectedEtag IS NULL OR bot_state.etag IS NULL OR bot_state.etag = $expectedEtag
        """;

    /// <summary>The entry that carries the ETag in a dictionary value (what ConversationState and UserState store).</summary>
    public const string StateETagKey = StateWrite.StateETagKey;

    private readonly SqliteDatabase _database;

    /// <summary>State in the SQLite file at <paramref name="databasePath"/> (created if missing).</summary>
    public SqliteStorage(string databasePath)
        : this(new SqliteDatabase(databasePath))
    {
    }

    /// <summary>State in a database shared with the bot's other stores.</summary>
    public SqliteStorage(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfAnyKeyIsNull(keys, nameof(keys));
        cancellationToken.ThrowIfCancellationRequested();

        var rows = new List<(string Key, string? ETag, string Document)>(keys.Length);
        if (keys.Length > 0)
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken);

            // Several keys are read in one transaction, from the same snapshot of the file; one key
            // (every turn of BotState) needs none: a single statement already reads one snapshot.
            await using var transaction = keys.Length > 1 ? connection.BeginTransaction(deferred: true) : null;
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT etag, document FROM bot_state WHERE state_key = $key";
            var keyParameter = command.Parameters.Add("$key", SqliteType.Text);

            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                keyParameter.Value = key;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((key, reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        var items = new Dictionary<string, object>(rows.Count, StringComparer.Ordinal);
        foreach (var (key, etag, document) in rows)
        {
            if (StateWrite.ReadBack(key, etag, document) is { } item)
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

        // Serialise first, so that a value which cannot be stored fails before the file is locked.
        var writes = changes.Select(change => StateWrite.For(change.Key, change.Value)).ToList();
        if (writes.Count == 0)
        {
            return;
        }

        // Through the database's one writer: the compare and the write run inside its transaction,
        // and a conflict (an exception from this job) undoes this write alone, all keys of it.
        var updatedAt = SqliteDatabase.FormatTimestamp(DateTimeOffset.UtcNow);
        await _database.Writer.WriteAsync(batch =>
        {
            foreach (var write in writes)
            {
                if (write.Document is null)
                {
                    // MemoryStorage keeps a null value, which reads as absent: the same as deleting it.
                    DeleteKey(batch, write.Key);
                    continue;
                }

                var upsert = batch.Command(UpsertSql);
                upsert.Parameters.AddWithValue("$key", write.Key);
                upsert.Parameters.AddWithValue("$etag", (object?)write.NewETag ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$document", write.Document);
                upsert.Parameters.AddWithValue("$expectedEtag", (object?)write.ExpectedETag ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$updatedAt", updatedAt);
                if (upsert.ExecuteNonQuery() == 0)
                {
                    var read = batch.Command("SELECT etag FROM bot_state WHERE state_key = $key");
                    read.Parameters.AddWithValue("$key", write.Key);
                    throw new ETagConflictException(write.Key, write.ExpectedETag, read.ExecuteScalar() as string);
                }
            }
        }, cancellationToken);
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfAnyKeyIsNull(keys, nameof(keys));
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Length == 0)
        {
            return;
        }

        await _database.Writer.WriteAsync(batch =>
        {
            foreach (var key in keys)
            {
                DeleteKey(batch, key);
            }
        }, cancellationToken);
    }

    private static void DeleteKey(SqliteWriteBatch batch, string key)
    {
        var delete = batch.Command("DELETE FROM bot_state WHERE state_key = $key");
        delete.Parameters.AddWithValue("$key", key);
        delete.ExecuteNonQuery();
    }

    private static void ThrowIfAnyKeyIsNull(string[] keys, string parameterName) => StateWrite.ThrowIfAnyKeyIsNull(keys, parameterName);
}
