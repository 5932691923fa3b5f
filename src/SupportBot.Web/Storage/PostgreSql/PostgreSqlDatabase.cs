using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>The bot's PostgreSQL database: a pooled data source shared by every store, and the schema migrated before first use.</summary>
/// <remarks>
/// Several replicas share one database; each migrates it at start (<see cref="PostgreSqlMigrator"/>
/// holds an advisory lock, so they take turns) and again lazily if the database was not reachable then.
/// </remarks>
public sealed class PostgreSqlDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlMigrator _migrator;
    private readonly SemaphoreSlim _migrationLock = new(1, 1);
    private volatile bool _migrated;

    public PostgreSqlDatabase(string connectionString, ILoggerFactory? loggers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        loggers ??= NullLoggerFactory.Instance;
        _dataSource = new NpgsqlDataSourceBuilder(WithPoolDefaults(connectionString)).UseLoggerFactory(loggers).Build();
        _migrator = new PostgreSqlMigrator(_dataSource, loggers.CreateLogger<PostgreSqlMigrator>());
        Loggers = loggers;
    }

    /// <summary>Why a connection string cannot be parsed (naming the bad keyword, never the password); null when it can.</summary>
    public static string? ConnectionStringError(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Where the stores of this database log.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>Host, port and database, without the password: for log messages.</summary>
    public string Name
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    /// <summary>An open connection from the pool, the schema migrated; the caller disposes it.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Brings the schema to the latest version once per instance (a no-op when another replica already did).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migrationLock.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await _migrator.MigrateAsync(cancellationToken);
                _migrated = true;
            }
        }
        finally
        {
            _migrationLock.Release();
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// The stores keep no session state on pooled connections (the advisory lock of a migration is
    /// released before its connection goes back, a LISTEN holds its connection until shutdown), so a
    /// connection need not be reset with DISCARD ALL at every return to the pool, and its few,
    /// fixed statements can stay prepared across uses. Measured: docs/scaling.md. Either setting
    /// named in the connection string wins.
    /// </summary>
    private static string WithPoolDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var named = connectionString.ToUpperInvariant().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (!named.Contains("NORESETONCLOSE", StringComparison.Ordinal))
        {
            builder.NoResetOnClose = true;
        }

        if (!named.Contains("MAXAUTOPREPARE", StringComparison.Ordinal))
        {
            builder.MaxAutoPrepare = 32;
        }

        return builder.ConnectionString;
    }
}
