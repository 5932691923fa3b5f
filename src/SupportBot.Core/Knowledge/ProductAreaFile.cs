using SupportBot.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SupportBot.Core.Knowledge;

/// <summary>
/// Reads and validates <c>training-data/areas.yaml</c>. Every problem is reported as
/// <c>areas.yaml:LINE: what is wrong</c>, so a reviewer finds it at once.
/// </summary>
public static class ProductAreaFile
{
    public const string FileName = "areas.yaml";

    private static readonly HashSet<string> Keys = new(StringComparer.Ordinal) { "id", "name", "nameKo", "docs", "docsKo", "terms" };

    /// <summary>The areas of a file; <see cref="ProductAreaMap.Empty"/> when the file does not exist.</summary>
    public static ProductAreaMap Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path), Path.GetFileName(path)) : ProductAreaMap.Empty;

    public static ProductAreaMap Parse(string yaml, string fileName = FileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new KnowledgeBaseException($"{fileName}:{ex.Start.Line}: {(ex.InnerException?.Message ?? ex.Message).Split('\n')[0]}", ex);
        }

        if (stream.Documents.Count == 0
            || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("areas"), out var list)
            || list is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            throw new KnowledgeBaseException($"{fileName}:1: expected 'areas:' with a list of areas.");
        }

        var areas = new List<ProductArea>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var termLines = new Dictionary<string, (string Area, int Line)>(StringComparer.Ordinal);
        foreach (var node in sequence.Children)
        {
            var line = Line(node);
            if (node is not YamlMappingNode mapping)
            {
                throw new KnowledgeBaseException($"{fileName}:{line}: an area must be a mapping with {string.Join(", ", Keys)}.");
            }

            foreach (var key in mapping.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name } || !Keys.Contains(name))
                {
                    throw new KnowledgeBaseException($"{fileName}:{Line(key)}: unknown key '{key}'; an area has {string.Join(", ", Keys)}.");
                }
            }

            var id = Scalar(mapping, "id", fileName, line, "an area");
            if (!id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') || id.StartsWith('-') || id.EndsWith('-'))
            {
                throw new KnowledgeBaseException($"{fileName}:{line}: area '{id}': the id must be a lower-case slug (a-z, 0-9, '-').");
            }

            if (!ids.TryAdd(id, line))
            {
                throw new KnowledgeBaseException($"{fileName}:{line}: area '{id}': duplicate id, also on line {ids[id]}.");
            }

            var what = $"area '{id}'";
            var terms = new List<string>();
            foreach (var (term, termLine) in List(mapping, "terms", fileName, line, what))
            {
                var normalized = TextNormalizer.Normalize(term);
                if (normalized.Length == 0)
                {
                    throw new KnowledgeBaseException($"{fileName}:{termLine}: {what}: the term '{term}' has no letters or digits.");
                }

                if (termLines.TryGetValue(normalized, out var first))
                {
                    throw new KnowledgeBaseException(
                        $"{fileName}:{termLine}: {what}: the term '{term}' is also a term of area '{first.Area}' (line {first.Line}); a term names one area.");
                }

                termLines[normalized] = (id, termLine);
                terms.Add(normalized);
            }

            areas.Add(new ProductArea(
                id,
                Scalar(mapping, "name", fileName, line, what),
                Scalar(mapping, "nameKo", fileName, line, what),
                Addresses(mapping, "docs", fileName, line, what),
                Addresses(mapping, "docsKo", fileName, line, what),
                terms));
        }

        return new ProductAreaMap(areas);
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static string Scalar(YamlMappingNode mapping, string key, string fileName, int line, string what) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { } value } && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : throw new KnowledgeBaseException($"{fileName}:{line}: {what}: '{key}' is missing or empty.");

    private static List<(string Value, int Line)> List(YamlMappingNode mapping, string key, string fileName, int line, string what)
    {
        if (!mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            throw new KnowledgeBaseException($"{fileName}:{line}: {what}: '{key}' must be a list with at least one item.");
        }

        return sequence.Children.Select(item => item is YamlScalarNode { Value: { } value } && !string.IsNullOrWhiteSpace(value)
            ? (value.Trim(), Line(item))
            : throw new KnowledgeBaseException($"{fileName}:{Line(item)}: {what}: every item of '{key}' must be a non-empty text.")).ToList();
    }

    private static List<string> Addresses(YamlMappingNode mapping, string key, string fileName, int line, string what) =>
        List(mapping, key, fileName, line, what).Select(item =>
            Uri.TryCreate(item.Value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? item.Value
                : throw new KnowledgeBaseException($"{fileName}:{item.Line}: {what}: '{item.Value}' in '{key}' is not an https address.")).ToList();
}
