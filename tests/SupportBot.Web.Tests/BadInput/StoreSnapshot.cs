using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>
/// Everything the host stored, read from its SQLite file: a hash of every row of every table (a
/// refused request must leave it as it was) and the text values that hold garbage (a NUL, or the
/// replacement character a lone surrogate becomes on its way to UTF-8).
/// </summary>
public sealed partial record StoreSnapshot(string Hash, IReadOnlyList<string> Garbage)
{
    public static async Task<StoreSnapshot> ReadAsync(string databasePath)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var lines = new List<string>();
        var garbage = new List<string>();
        foreach (var table in tables)
        {
            await using var rows = connection.CreateCommand();
            rows.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var line = new StringBuilder(table);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i) switch
                    {
                        DBNull => "\u2400",
                        byte[] bytes => Convert.ToHexString(bytes),
                        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
                    };
                    line.Append('\u241F').Append(value);
                    if (IsGarbage(value))
                    {
                        garbage.Add($"{table}.{reader.GetName(i)}: {value[..Math.Min(value.Length, 200)]}");
                    }
                }

                lines.Add(line.ToString());
            }
        }

        // Sorted: some tables have no rowid, and a snapshot must not depend on the order rows come in.
        lines.Sort(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u241E', lines)));
        return new StoreSnapshot(Convert.ToHexString(hash), garbage);
    }

    /// <summary>The snapshot once the writes behind a turn (question log, transcript) have landed: two reads in a row alike.</summary>
    public static async Task<StoreSnapshot> SettledAsync(string databasePath)
    {
        var previous = await ReadAsync(databasePath);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await Task.Delay(200);
            var current = await ReadAsync(databasePath);
            if (current.Hash == previous.Hash)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private static bool IsGarbage(string value) =>
        value.Contains('\0', StringComparison.Ordinal)
        || value.Contains('\uFFFD', StringComparison.Ordinal)
        || value.Contains("\\u0000", StringComparison.Ordinal)
        || EscapedLoneSurrogate().IsMatch(value);

    // JSON text stored with an escaped surrogate that has no partner.
    [GeneratedRegex(@"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")]
    private static partial Regex EscapedLoneSurrogate();
}
