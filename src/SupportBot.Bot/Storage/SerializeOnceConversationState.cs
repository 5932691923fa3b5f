using Microsoft.Bot.Builder;
using Newtonsoft.Json.Linq;

namespace SupportBot.Bot.Storage;

/// <summary>ConversationState that serialises the state once per turn instead of four times, with the same load, save and ETag behaviour.</summary>
/// <remarks>
/// BotState serialises the whole state to a hash when it loads it, again to see whether a save is
/// needed and again after writing, and the store serialises it a fourth time to write it: a fifth of
/// a turn's JSON work under load (docs/performance.md). Here the store's own document stands for
/// what was loaded (<see cref="LoadedState"/>), a save serialises once to compare, and the store
/// writes that same document (<see cref="SerializedState"/>). Any other storage or cache entry falls
/// back to serialising at load, and to BotState's own save.
/// </remarks>
public sealed class SerializeOnceConversationState(IStorage storage) : ConversationState(storage)
{
    // BotState keeps a state's cache in the turn under the name its subclass gives it; ConversationState's.
    private const string CacheKey = nameof(ConversationState);

    private readonly IStorage _storage = storage;

    public override async Task LoadAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (!force && GetCachedState(turnContext)?.State is not null)
        {
            return;
        }

        var key = GetStorageKey(turnContext);
        var items = await _storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        items.TryGetValue(key, out var value);
        var state = value switch
        {
            IDictionary<string, object> dictionary => dictionary,
            JObject json => json.ToObject<IDictionary<string, object>>()!,
            null => new Dictionary<string, object>(),
            _ => throw new InvalidOperationException("Data is not in the correct format for BotState."),
        };
        var document = value is LoadedState loaded ? loaded.Document : StateWrite.DocumentOf(state);
        turnContext.TurnState[CacheKey] = new Snapshot(state, document);
    }

    public override async Task SaveChangesAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (GetCachedState(turnContext) is not Snapshot snapshot)
        {
            // Nothing loaded, or ClearStateAsync's fresh cache (always saved): BotState's own rules.
            await base.SaveChangesAsync(turnContext, force, cancellationToken).ConfigureAwait(false);
            return;
        }

        var write = new SerializedState(snapshot.State);
        if (!force && write.Document == snapshot.Document)
        {
            return;
        }

        var changes = new Dictionary<string, object> { [GetStorageKey(turnContext)] = write };
        await _storage.WriteAsync(changes, cancellationToken).ConfigureAwait(false);
        snapshot.Document = write.Document;
    }

    /// <summary>The turn's state with the document it was loaded or last saved as.</summary>
    private sealed class Snapshot : CachedBotState
    {
        // The base constructor hashes what it is given: an empty dictionary costs next to nothing.
        public Snapshot(IDictionary<string, object> state, string document)
            : base(null)
        {
            State = state;
            Document = document;
        }

        public string Document { get; set; }
    }
}
