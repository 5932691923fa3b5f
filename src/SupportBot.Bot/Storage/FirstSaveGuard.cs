using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Storage;

/// <summary>
/// The storage ConversationState and UserState use: a key that is not stored yet reads as empty
/// state carrying the ETag <see cref="NotStoredYet"/>, so its first save only creates it.
/// </summary>
/// <remarks>
/// Without it, the first turn of a conversation reads no state, hence no ETag, and saves
/// unconditionally: two replicas running a new conversation's first two turns at once would both
/// save, and the later save would silently drop the other turn's update. With it, the database
/// stores (<see cref="SqliteStorage"/>, PostgreSQL) insert the key when it is missing and report an
/// ETag conflict when another turn created it meanwhile, which
/// <see cref="Conversation.StateConflictRetryMiddleware"/> answers by running the turn again.
/// MemoryStorage does not check the ETags of plain dictionaries, so it is unaffected.
/// </remarks>
public sealed class FirstSaveGuard(IStorage inner) : IStorage
{
    /// <summary>The ETag of state not stored yet: no stored row ever has it, so a save expecting it can only insert.</summary>
    public const string NotStoredYet = "not-stored-yet";

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        var items = await inner.ReadAsync(keys, cancellationToken);
        foreach (var key in keys.Where(k => k is not null && !items.ContainsKey(k)))
        {
            items[key] = new Dictionary<string, object> { [StateWrite.StateETagKey] = NotStoredYet };
        }

        return items;
    }

    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(changes, cancellationToken);

    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(keys, cancellationToken);
}
