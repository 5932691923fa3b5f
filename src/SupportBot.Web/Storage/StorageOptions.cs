using Microsoft.Extensions.Options;

namespace SupportBot.Web.Storage;

/// <summary>Where the bot keeps its state and transcripts (the <c>Storage</c> section).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string SqliteProvider = "Sqlite";

    public const string MemoryProvider = "Memory";

    /// <summary><c>Sqlite</c> (a file; works with no setup) or <c>Memory</c> (lost on restart; for tests).</summary>
    public string Provider { get; set; } = SqliteProvider;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    public bool IsSqlite => string.Equals(Provider, SqliteProvider, StringComparison.OrdinalIgnoreCase);

    public bool IsMemory => string.Equals(Provider, MemoryProvider, StringComparison.OrdinalIgnoreCase);
}

public sealed class SqliteStorageOptions
{
    /// <summary>The database file; relative to the content root (so never under bin/).</summary>
    public string Path { get; set; } = "data/supportbot.db";

    public string FullPath(string contentRoot) => System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, Path));
}

/// <summary>Fails the start on an unknown provider or a missing database path, naming the key.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!options.IsSqlite && !options.IsMemory)
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}: '{options.Provider}' is not a storage provider; use '{StorageOptions.SqliteProvider}' or '{StorageOptions.MemoryProvider}'.");
        }

        if (options.IsSqlite && string.IsNullOrWhiteSpace(options.Sqlite.Path))
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.Section}:{nameof(StorageOptions.Sqlite)}:{nameof(SqliteStorageOptions.Path)}: the database file path is empty.");
        }

        return ValidateOptionsResult.Success;
    }
}
