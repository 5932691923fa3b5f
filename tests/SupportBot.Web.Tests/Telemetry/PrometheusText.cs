using System.Globalization;
using System.Text.RegularExpressions;

namespace SupportBot.Web.Tests.Telemetry;

/// <summary>One sample of the Prometheus text exposition format: <c>name{label="value",...} 12</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads a scrape as Prometheus does, so the tests check what a scraper would get.</summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(ParseLine)
            .ToList();

    /// <summary>The types declared by <c># TYPE name type</c> lines.</summary>
    public static IReadOnlyDictionary<string, string> Types(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[2], parts => parts[3]);

    /// <summary>The value of the one sample with that name and (at least) these labels; 0 when there is none.</summary>
    public static double Value(this IReadOnlyList<PrometheusSample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .Select(s => s.Value)
            .DefaultIfEmpty(0)
            .Single();

    private static PrometheusSample ParseLine(string line)
    {
        var match = Sample().Match(line);
        if (!match.Success)
        {
            throw new FormatException($"Not a Prometheus sample line: {line}");
        }

        var labels = Label().Matches(match.Groups["labels"].Value)
            .ToDictionary(m => m.Groups["name"].Value, m => Regex.Unescape(m.Groups["value"].Value));
        var value = match.Groups["value"].Value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var number => double.Parse(number, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(match.Groups["name"].Value, labels, value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex(""""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)"""")]
    private static partial Regex Label();
}
