using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage;

/// <summary>ConversationState serialised once a turn: it loads, saves and checks ETags as BotState does, and writes only what changed.</summary>
public sealed class SerializeOnceConversationStateTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();
    private readonly CountingStorage _storage;
    private readonly SerializeOnceConversationState _state;
    private readonly IStatePropertyAccessor<string> _topic;

    public SerializeOnceConversationStateTests()
    {
        _storage = new CountingStorage(new SqliteStorage(_database.Path));
        _state = new SerializeOnceConversationState(new FirstSaveGuard(_storage));
        _topic = _state.CreateProperty<string>("topic");
    }

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_turn_that_changes_nothing_writes_nothing_after_a_real_dialog_state_was_stored()
    {
        var dialog = _state.CreateProperty<SupportDialogState>(SupportDialogState.PropertyName);

        var first = Turn();
        var stored = await dialog.GetAsync(first, () => new SupportDialogState());
        stored.Language = "ko";
        stored.Stack.Add(new DialogFrame { DialogId = "answer", Step = "feedback", Values = { ["entry"] = "android-keyhash-mismatch" } });
        stored.Log.Asked("안드로이드 키 해시 오류", "answer", "android-keyhash-mismatch", 0.9998893737792969, "android-keyhash-mismatch");
        await _state.SaveChangesAsync(first);
        Assert.Equal(1, _storage.Writes);

        var second = Turn();
        var read = await dialog.GetAsync(second, () => new SupportDialogState());
        await _state.SaveChangesAsync(second);

        Assert.Equal("ko", read.Language);
        Assert.Equal("android-keyhash-mismatch", Assert.Single(read.Log.Questions).EntryId);
        Assert.Equal(1, _storage.Writes);
    }

    [Fact]
    public async Task A_changed_state_is_written_once_and_reads_back_as_changed()
    {
        await SaveTopicAsync("keyhash");
        var second = Turn();
        Assert.Equal("keyhash", await _topic.GetAsync(second));
        await _topic.SetAsync(second, "logout");
        await _state.SaveChangesAsync(second);
        await _state.SaveChangesAsync(second);

        Assert.Equal(2, _storage.Writes);
        Assert.Equal("logout", await _topic.GetAsync(Turn()));
    }

    [Fact]
    public async Task Of_two_turns_that_loaded_the_same_state_the_second_to_save_gets_an_etag_conflict()
    {
        await SaveTopicAsync("first");

        var turnA = Turn();
        var turnB = Turn();
        await _topic.SetAsync(turnA, "from A");
        await _topic.SetAsync(turnB, "from B");
        await _state.SaveChangesAsync(turnB);
        var conflict = await Assert.ThrowsAnyAsync<ArgumentException>(() => _state.SaveChangesAsync(turnA));

        Assert.True(ETagConflictException.IsConflict(conflict));
        Assert.Equal("from B", await _topic.GetAsync(Turn()));
    }

    [Fact]
    public async Task Cleared_state_is_saved_even_when_it_was_empty()
    {
        await SaveTopicAsync("keyhash");

        var second = Turn();
        await _state.LoadAsync(second);
        await _state.ClearStateAsync(second);
        await _state.SaveChangesAsync(second);

        Assert.Equal(2, _storage.Writes);
        Assert.Null(await _topic.GetAsync(Turn()));
    }

    [Fact]
    public async Task Over_a_store_that_gives_no_document_it_still_writes_only_changes()
    {
        var storage = new CountingStorage(new MemoryStorage());
        var state = new SerializeOnceConversationState(storage);
        var topic = state.CreateProperty<string>("topic");
        var first = Turn();
        await topic.SetAsync(first, "keyhash");
        await state.SaveChangesAsync(first);

        var second = Turn();
        Assert.Equal("keyhash", await topic.GetAsync(second));
        await state.SaveChangesAsync(second);
        await state.SaveChangesAsync(second, force: true);

        Assert.Equal(2, storage.Writes);
    }

    [Fact]
    public async Task The_document_a_database_store_writes_is_the_one_the_state_was_compared_as()
    {
        var storage = new SqliteStorage(_database.Path);
        var state = new Dictionary<string, object> { ["topic"] = "keyhash", [StateWrite.StateETagKey] = FirstSaveGuard.NotStoredYet };
        var serialized = new SerializedState(state);

        await storage.WriteAsync(new Dictionary<string, object> { ["key"] = serialized });
        var loaded = Assert.IsType<LoadedState>((await storage.ReadAsync(["key"]))["key"]);

        Assert.Equal(serialized.Document, loaded.Document);
        Assert.Equal(StateWrite.DocumentOf(state), loaded.Document);
        Assert.DoesNotContain(StateWrite.StateETagKey, loaded.Document, StringComparison.Ordinal);
        Assert.Equal("keyhash", loaded["topic"]);
    }

    private async Task SaveTopicAsync(string topic)
    {
        var turn = Turn();
        await _topic.SetAsync(turn, topic);
        await _state.SaveChangesAsync(turn);
    }

    private static TurnContext Turn() => new(new TestAdapter(), new Activity
    {
        Type = ActivityTypes.Message,
        ChannelId = "emulator",
        Conversation = new ConversationAccount { Id = "serialize-once" },
        From = new ChannelAccount { Id = "user" },
        Recipient = new ChannelAccount { Id = "bot" },
        Text = "hello",
    });

    /// <summary>Counts the writes that reach the store.</summary>
    private sealed class CountingStorage(IStorage inner) : IStorage
    {
        public int Writes { get; private set; }

        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(keys, cancellationToken);

        public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
        {
            Writes++;
            return inner.WriteAsync(changes, cancellationToken);
        }

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(keys, cancellationToken);
    }
}
