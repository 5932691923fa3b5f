using Microsoft.Extensions.Options;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Storage;

/// <summary>Where the bot keeps its state, transcripts, tickets and Direct Line history (the <c>Storage</c> section, and <c>ConnectionStrings:SupportBot</c> for PostgreSQL).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string SqliteProvider = "Sqlite";

    public const string PostgreSqlProvider = "PostgreSql";

    public const string MemoryProvider = "Memory";

    /// <summary>The connection string's name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "SupportBot";

    /// <summary>The configuration key of the PostgreSQL connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    /// <summary><c>Sqlite</c> (a file; works with no setup), <c>PostgreSql</c> (shared by replicas) or <c>Memory</c> (lost on restart; for tests).</summary>
    public string Provider { get; set; } = SqliteProvider;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>The PostgreSQL connection string, read from <see cref="ConnectionStringKey"/> (not from this section).</summary>
    public string? ConnectionString { get; internal set; }

    /// <summary>The provider's name as its room registers its stores (<see cref="SqliteProvider"/>, ...), whatever the case in configuration; null when it is none of them.</summary>
    public string? ProviderKey =>
        string.Equals(Provider, SqliteProvider, StringComparison.OrdinalIgnoreCase) ? SqliteProvider
        : string.Equals(Provider, PostgreSqlProvider, StringComparison.OrdinalIgnoreCase) ? PostgreSqlProvider
        : string.Equals(Provider, MemoryProvider, StringComparison.OrdinalIgnoreCase) ? MemoryProvider
        : null;
}

public sealed class SqliteStorageOptions
{
    /// <summary>The database file; relative to the content root (so never under bin/).</summary>
    public string Path { get; set; } = "data/supportbot.db";

    public string FullPath(string contentRoot) => System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, Path));
}

/// <summary>Fails the start on an unknown provider, a missing database path or a missing or malformed connection string, naming the key.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.ProviderKey is null)
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}: '{options.Provider}' is not a storage provider; use '{StorageOptions.SqliteProvider}', '{StorageOptions.PostgreSqlProvider}' or '{StorageOptions.MemoryProvider}'.");
        }

        if (options.ProviderKey == StorageOptions.SqliteProvider && string.IsNullOrWhiteSpace(options.Sqlite.Path))
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.Section}:{nameof(StorageOptions.Sqlite)}:{nameof(SqliteStorageOptions.Path)}: the database file path is empty.");
        }

        if (options.ProviderKey == StorageOptions.PostgreSqlProvider)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.ConnectionStringKey}: set the PostgreSQL connection string (environment variable ConnectionStrings__{StorageOptions.ConnectionStringName}), e.g. 'Host=db;Database=supportbot;Username=supportbot;Password=...', or use {StorageOptions.Section}:{nameof(StorageOptions.Provider)} = '{StorageOptions.SqliteProvider}'.");
            }

            if (PostgreSqlDatabase.ConnectionStringError(options.ConnectionString) is { } error)
            {
                return ValidateOptionsResult.Fail($"{StorageOptions.ConnectionStringKey}: not a PostgreSQL connection string ({error}).");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
