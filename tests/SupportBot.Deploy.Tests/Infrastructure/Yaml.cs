using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SupportBot.Deploy.Tests.Infrastructure;

/// <summary>
/// YAML as plain maps, lists and strings (merge keys resolved, as Docker Compose resolves them),
/// with small accessors that fail naming the path that is missing.
/// </summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static Dictionary<object, object> Load(string text) =>
        Deserializer.Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(new StringReader(text))));

    /// <summary>Every document of a stream, such as what <c>kubectl kustomize</c> prints.</summary>
    public static List<Dictionary<object, object>> LoadAll(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static Dictionary<object, object> Map(this object? node, string key) =>
        node.Get(key) as Dictionary<object, object> ?? throw new KeyNotFoundException($"'{key}' is not a map");

    public static List<object> Seq(this object? node, string key) =>
        node.Get(key) as List<object> ?? throw new KeyNotFoundException($"'{key}' is not a list");

    public static string Str(this object? node, string key) =>
        node.Get(key) as string ?? throw new KeyNotFoundException($"'{key}' is not a scalar");

    public static object? Get(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? value : null;

    public static IEnumerable<Dictionary<object, object>> Maps(this object? node, string key) =>
        (node.Get(key) as List<object> ?? []).OfType<Dictionary<object, object>>();
}
