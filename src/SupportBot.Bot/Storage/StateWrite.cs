using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Storage;

/// <summary>
/// One key of an <see cref="IStorage.WriteAsync"/>, ready for a database: its document, the ETag
/// the stored row must still have (null: overwrite) and the ETag it gets. The same rules for
/// every database provider (see <see cref="SqliteStorage"/>).
/// </summary>
public readonly record struct StateWrite(string Key, string? Document, string? ExpectedETag, string? NewETag)
{
    /// <summary>The entry that carries the ETag in a dictionary value (what ConversationState and UserState store).</summary>
    public const string StateETagKey = "eTag";

    /// <summary>A null value is a delete (MemoryStorage keeps it, and it reads as absent).</summary>
    public bool IsDelete => Document is null;

    public static StateWrite For(string key, object? value)
    {
        if (value is null)
        {
            return new StateWrite(key, null, null, null);
        }

        if (value is IDictionary<string, object> state)
        {
            var document = state is SerializedState serialized ? serialized.Document : DocumentOf(state);
            var expected = state.TryGetValue(StateETagKey, out var carried) ? Expected(carried as string) : null;
            return new StateWrite(key, document, expected, CreateETag());
        }

        if (value is not IStoreItem storeItem)
        {
            return new StateWrite(key, StateJson.Serialize(value), null, null);
        }

        return new StateWrite(key, StateJson.Serialize(value), Expected(storeItem.ETag), CreateETag());
    }

    /// <summary>The document a state dictionary is stored as: its entries but the ETag, which lives in the row's own column.</summary>
    public static string DocumentOf(IDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entries = new Dictionary<string, object>(state.Count, StringComparer.Ordinal);
        foreach (var (name, value) in state)
        {
            if (name != StateETagKey)
            {
                entries.Add(name, value);
            }
        }

        return StateJson.Serialize(entries);
    }

    /// <summary>The object a stored row reads back as, carrying the row's ETag; null when the document holds null.</summary>
    /// <remarks>A state dictionary comes back as <see cref="LoadedState"/>, with the document, so that its reader need not serialise it to see later whether it changed.</remarks>
    public static object? ReadBack(string key, string? etag, string document)
    {
        var item = StateJson.Deserialize(document, key);
        if (item is Dictionary<string, object> entries)
        {
            item = new LoadedState(entries, document);
        }

        if (item is IStoreItem storeItem)
        {
            // The column is the truth: the document holds whatever ETag the writer's object carried.
            storeItem.ETag = etag;
        }
        else if (item is IDictionary<string, object> state && etag is not null)
        {
            // BotState keeps a plain dictionary; carrying the ETag inside it makes its next
            // write conditional, so two turns racing on one conversation cannot lose an update.
            state[StateETagKey] = etag;
        }

        return item;
    }

    /// <summary>Storage keys may not be null (MemoryStorage's rule).</summary>
    public static void ThrowIfAnyKeyIsNull(string[] keys, string parameterName)
    {
        if (Array.IndexOf(keys, null) >= 0)
        {
            throw new ArgumentException("A storage key cannot be null.", parameterName);
        }
    }

    private static string? Expected(string? etag) => string.IsNullOrEmpty(etag) || etag == "*" ? null : etag;

    private static string CreateETag() => Guid.NewGuid().ToString("N");
}

/// <summary>A write whose ETag no longer matches the stored one: another turn wrote the key since it was read. Nothing of that write was stored.</summary>
/// <remarks>An <see cref="ArgumentException"/> with "Etag conflict" in its message, as MemoryStorage throws, so callers written for it still recognise it.</remarks>
public sealed class ETagConflictException(string key, string? expected, string? current)
    : ArgumentException($"Etag conflict. Key: '{key}'. Original: {expected}. Current: {current}.", "changes")
{
    public string Key { get; } = key;

    /// <summary>Whether <paramref name="exception"/> is an ETag conflict from any storage (this type, or MemoryStorage's ArgumentException).</summary>
    public static bool IsConflict(Exception exception) =>
        exception is ETagConflictException
        || (exception is ArgumentException && exception.Message.StartsWith("Etag conflict", StringComparison.OrdinalIgnoreCase));
}
