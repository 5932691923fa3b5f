using SupportBot.Deploy.Tests.Infrastructure;

namespace SupportBot.Deploy.Tests.Configuration;

/// <summary>deploy/README.md's configuration reference against the keys the host really reads.</summary>
public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void Configuration_reference_lists_every_key_the_host_reads()
    {
        var documented = ReferenceRows().Select(r => r.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var host = HostConfiguration.Entries.Select(e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var missing = host.Except(documented).Order().ToList();
        var unknown = documented.Except(host).Order().ToList();
        Assert.True(missing.Count == 0, $"deploy/README.md does not document: {string.Join(", ", missing)}");
        Assert.True(unknown.Count == 0, $"deploy/README.md documents keys the host does not read: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Configuration_reference_gives_each_key_its_environment_variable_and_default()
    {
        var wrong = new List<string>();
        foreach (var row in ReferenceRows())
        {
            if (HostConfiguration.ForKey(row.Key) is not { } entry)
            {
                continue;
            }

            if (!string.Equals(row.EnvironmentVariable, $"`{entry.EnvironmentVariable}`", StringComparison.Ordinal))
            {
                wrong.Add($"{row.Key}: environment variable {row.EnvironmentVariable}, expected `{entry.EnvironmentVariable}`");
            }

            var expected = entry.Default.Length == 0 ? ["empty", "none"] : new[] { $"`{entry.Default}`" };
            if (!expected.Contains(row.Default, StringComparer.Ordinal))
            {
                wrong.Add($"{row.Key}: default {row.Default}, expected {string.Join(" or ", expected)}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private sealed record Row(string Key, string EnvironmentVariable, string Default);

    // The table under "## Configuration reference": | `key` | `VARIABLE` | default | what |.
    private static List<Row> ReferenceRows()
    {
        var lines = Repository.Read("deploy", "README.md").Split('\n');
        var rows = lines
            .SkipWhile(line => !line.StartsWith("## Configuration reference", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => new Row(cells[1].Trim('`'), cells[2], cells[3]))
            .ToList();
        Assert.NotEmpty(rows);
        return rows;
    }
}
