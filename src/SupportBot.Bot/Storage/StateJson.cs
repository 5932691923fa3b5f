using Newtonsoft.Json;

namespace SupportBot.Bot.Storage;

/// <summary>How bot state becomes a JSON document and back, shared by every IStorage provider so that they all store the same thing.</summary>
/// <remarks>
/// Type names where the declared type does not tell (TypeNameHandling.Auto: the state dictionary's
/// values), so that ConversationState and UserState get their typed objects back; the binder limits
/// which types those may be. Documents written with every type name (TypeNameHandling.All, as
/// MemoryStorage and earlier versions write them) read the same: Auto writes a third less and
/// reads and writes in about half the time, on every turn.
/// </remarks>
public static class StateJson
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        TypeNameHandling = TypeNameHandling.Auto,
        SerializationBinder = new StateTypeBinder(),
        ReferenceLoopHandling = ReferenceLoopHandling.Error,

        // A date-looking string in an untyped slot (a Dictionary<string, object> value) stays a string;
        // typed DateTime and DateTimeOffset properties are still parsed, with their offsets.
        DateParseHandling = DateParseHandling.None,

        // MemoryStorage sets no limit; a bound keeps a tampered, absurdly nested document from
        // exhausting the stack, and is far above what a dialog stack needs.
        MaxDepth = 128,
    });

    public static string Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Serializer.Serialize(text, value, typeof(object));
        return text.ToString();
    }

    /// <summary>The object stored under <paramref name="key"/>; a document that cannot be read (malformed, or naming a refused type) is an <see cref="InvalidDataException"/>.</summary>
    public static object? Deserialize(string document, string key)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(document));
            return Serializer.Deserialize(reader);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The stored state for key '{key}' cannot be read: {exception.GetBaseException().Message}", exception);
        }
    }
}
