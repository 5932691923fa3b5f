using System.Runtime.CompilerServices;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>The bot's SQLite database file: opens connections with the pragmas the stores rely on and creates the schema on first use.</summary>
/// <remarks>
/// Holds no connection itself (Microsoft.Data.Sqlite pools them), so it needs no disposing and any
/// number of instances, in any number of processes, may share the file.
/// </remarks>
public sealed class SqliteDatabase : IAsyncDisposable
{
    // busy_timeout: a writer waits this long for another connection's (short) transaction instead of
    // failing at once with SQLITE_BUSY. synchronous = NORMAL: in WAL mode a commit survives a crash
    // of the process without an fsync of its own (the WAL is synced at checkpoints), which is what
    // lets one file carry every turn's state; only a power cut can lose the last commits.
    // All three are per native connection.
    private const string ConnectionPragmas = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";


    // Fixed width and UTC, so that text comparison in SQL orders and filters by time.
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly object Configured = new();

    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
    private readonly string _connectionString;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaCreated;

    private readonly Lazy<SqliteWriter> _writer;

    public SqliteDatabase(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _writer = new Lazy<SqliteWriter>(() => new SqliteWriter(this, logger));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>The one writer every store of this database writes through (see <see cref="SqliteWriter"/>).</summary>
    public SqliteWriter Writer => _writer.Value;

    /// <summary>Writes what is queued and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_writer.IsValueCreated)
        {
            await _writer.Value.DisposeAsync();
        }
    }

    /// <summary>An open connection, pragmas set and schema in place; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (!_schemaCreated)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Pooling hands the same native connection out again and again, and the pragmas stay
            // set on it: run them once per native connection, not on every open (that was a fifth
            // of a turn's cost under load).
            if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
            {
                await ExecuteAsync(connection, ConnectionPragmas, cancellationToken);
                _configured.AddOrUpdate(handle, Configured);
            }

            if (!_schemaCreated)
            {
                await CreateSchemaAsync(connection, cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaCreated)
            {
                await ExecuteAsync(connection, SqliteSchema.Tables, cancellationToken);
                await AddMissingColumnsAsync(connection, cancellationToken);
                _schemaCreated = true;
            }
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private static async Task AddMissingColumnsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        foreach (var added in SqliteSchema.AddedColumns)
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column";
            exists.Parameters.AddWithValue("$table", added.Table);
            exists.Parameters.AddWithValue("$column", added.Column);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
            {
                continue;
            }

            try
            {
                await ExecuteAsync(connection, $"ALTER TABLE {added.Table} ADD COLUMN {added.Column} {added.Definition}", cancellationToken);
            }
            catch (SqliteException ex) when (ex.Message.Contains("duplicate column name", StringComparison.Ordinal))
            {
                // Another process (the CLI, a second host) opening the same file added it first.
            }
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
