using System.Text;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>
/// The bad bodies of the suite, each made from an endpoint's valid body: the same fields, spoiled
/// one way. A marker in the endpoint's text field is where the raw bytes of a case go.
/// </summary>
public static class BadBodies
{
    public const string MalformedJson = "malformed JSON";
    public const string WrongTypes = "wrong types";
    public const string NullsEverywhere = "nulls everywhere";
    public const string LongString = "100k-character string";
    public const string InvalidUtf8 = "invalid UTF-8";
    public const string LoneSurrogate = "lone surrogate";
    public const string EscapedNul = "escaped NUL";
    public const string RawNul = "raw NUL byte";
    public const string DeepNesting = "10,000 levels of nesting";
    public const string DuplicateKeys = "duplicate keys";
    public const string HugeArray = "100k-element array";
    public const string EmptyBody = "empty body";
    public const string WrongContentType = "wrong content type";

    public const int LongStringLength = 100_000;
    public const int NestingDepth = 10_000;
    public const int ArrayLength = 100_000;

    public static readonly IReadOnlyList<string> All =
    [
        MalformedJson, WrongTypes, NullsEverywhere, LongString, InvalidUtf8, LoneSurrogate, EscapedNul, RawNul,
        DeepNesting, DuplicateKeys, HugeArray, EmptyBody, WrongContentType,
    ];

    /// <summary>The cases whose body is a well-formed JSON object of clean text (or no body): an endpoint that ignores its body may take them.</summary>
    public static readonly IReadOnlySet<string> WellFormed = new HashSet<string> { WrongTypes, NullsEverywhere, LongString, HugeArray, EmptyBody };

    private const string Marker = "@@BAD@@";

    /// <summary>The bytes and content type of a case for an endpoint.</summary>
    public static (byte[] Body, string ContentType) Make(string name, BadInputEndpoint endpoint)
    {
        var valid = endpoint.ValidBody();
        return name switch
        {
            MalformedJson => (Utf8(valid.ToJsonString()[..^1] + ", \"unfinished\": "), Json),
            WrongTypes => (Utf8(WithWrongTypes(valid).ToJsonString()), Json),
            NullsEverywhere => (Utf8(WithNullLeaves(valid)!.ToJsonString()), Json),
            LongString => (Utf8(With(valid, endpoint.TextField, JsonValue.Create(new string('x', LongStringLength)))), Json),
            InvalidUtf8 => (Spliced(valid, endpoint.TextField, [(byte)'a', 0xFF, 0xFE, 0xC3, 0x28, (byte)'b']), Json),
            LoneSurrogate => (Spliced(valid, endpoint.TextField, Utf8("a\\ud800b")), Json),
            EscapedNul => (Spliced(valid, endpoint.TextField, Utf8("a\\u0000b")), Json),
            RawNul => (Spliced(valid, endpoint.TextField, [(byte)'a', 0, (byte)'b']), Json),
            DeepNesting => (Utf8(With(valid, endpoint.TextField, JsonValue.Create(Marker)).Replace(
                $"\"{Marker}\"", new string('[', NestingDepth) + "1" + new string(']', NestingDepth), StringComparison.Ordinal)), Json),
            DuplicateKeys => (Utf8(Duplicated(valid, endpoint.TextField)), Json),
            HugeArray => (Utf8(With(valid, endpoint.ArrayField, JsonValue.Create(Marker)).Replace(
                $"\"{Marker}\"", "[" + string.Join(',', Enumerable.Repeat("0", ArrayLength)) + "]", StringComparison.Ordinal)), Json),
            EmptyBody => ([], Json),
            WrongContentType => (Utf8(valid.ToJsonString()), "text/plain"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such case."),
        };
    }

    private const string Json = "application/json";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The body with the value at a dotted path (<c>user.id</c>, <c>questionIds.0</c>) replaced.</summary>
    private static string With(JsonObject valid, string path, JsonNode? value)
    {
        var copy = valid.DeepClone();
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(copy, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
        if (int.TryParse(parts[^1], out var index))
        {
            parent.AsArray()[index] = value;
        }
        else
        {
            parent.AsObject()[parts[^1]] = value;
        }

        return copy.ToJsonString();
    }

    /// <summary>Raw bytes inside the text field's string, where no serializer would put them.</summary>
    private static byte[] Spliced(JsonObject valid, string path, byte[] inside)
    {
        var text = With(valid, path, JsonValue.Create(Marker));
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        return [.. Utf8(text[..at]), .. inside, .. Utf8(text[(at + Marker.Length)..])];
    }

    /// <summary>The text field's property given twice with different values (the second one last).</summary>
    private static string Duplicated(JsonObject valid, string path)
    {
        var name = path.Split('.')[0];
        var text = valid.ToJsonString();
        var first = new JsonObject { [name] = "the first of two" }.ToJsonString()[1..^1];
        return "{" + first + "," + text[1..];
    }

    private static JsonObject WithWrongTypes(JsonObject valid)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in valid)
        {
            copy[name] = value switch
            {
                JsonObject => JsonValue.Create("an object was expected"),
                JsonArray => new JsonObject { ["an array"] = "was expected" },
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(42),
                _ => JsonValue.Create("a number or a boolean was expected"),
            };
        }

        return copy;
    }

    private static JsonNode? WithNullLeaves(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, WithNullLeaves(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(WithNullLeaves)]),
        _ => null,
    };
}
