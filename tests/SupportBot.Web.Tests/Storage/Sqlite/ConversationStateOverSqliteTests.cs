using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>Bot Framework state over SqliteStorage, as the host wires it: a property saved in one turn is there in the next, even after a restart.</summary>
public sealed class ConversationStateOverSqliteTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_property_saved_in_one_turn_is_read_by_a_new_state_over_a_new_storage_on_the_same_file()
    {
        var firstState = new ConversationState(new SqliteStorage(_database.Path));
        var firstAccessor = firstState.CreateProperty<SupportCase>("case");
        using (var turn = new TurnContext(new TestAdapter(), Message("conversation-1")))
        {
            var supportCase = await firstAccessor.GetAsync(turn, () => new SupportCase());
            supportCase.Topic = "android keyhash";
            supportCase.Platforms.Add("android");
            supportCase.Status = CaseStatus.WaitingForUser;
            await firstState.SaveChangesAsync(turn);
        }

        TemporaryDatabase.CloseAllConnections();
        var secondState = new ConversationState(new SqliteStorage(_database.Path));
        var secondAccessor = secondState.CreateProperty<SupportCase>("case");
        using var nextTurn = new TurnContext(new TestAdapter(), Message("conversation-1"));
        var restored = await secondAccessor.GetAsync(nextTurn, () => new SupportCase { Topic = "not found" });

        Assert.Equal("android keyhash", restored.Topic);
        Assert.Equal(["android"], restored.Platforms);
        Assert.Equal(CaseStatus.WaitingForUser, restored.Status);
    }

    [Fact]
    public async Task Each_conversation_has_its_own_state()
    {
        var state = new ConversationState(new SqliteStorage(_database.Path));
        var topic = state.CreateProperty<string>("topic");
        using (var turn = new TurnContext(new TestAdapter(), Message("conversation-a")))
        {
            await topic.SetAsync(turn, "logout");
            await state.SaveChangesAsync(turn);
        }

        var otherState = new ConversationState(new SqliteStorage(_database.Path));
        var otherTopic = otherState.CreateProperty<string>("topic");
        using var otherTurn = new TurnContext(new TestAdapter(), Message("conversation-b"));

        Assert.Equal("none", await otherTopic.GetAsync(otherTurn, () => "none"));
    }

    [Fact]
    public async Task Two_turns_racing_on_one_conversation_cannot_both_save_the_second_is_refused()
    {
        var storage = new SqliteStorage(_database.Path);
        var state = new ConversationState(storage);
        var topic = state.CreateProperty<string>("topic");
        using (var turn = new TurnContext(new TestAdapter(), Message("conversation-1")))
        {
            await topic.SetAsync(turn, "first");
            await state.SaveChangesAsync(turn);
        }

        // Both turns load the same version of the state, as two concurrent requests would.
        using var turnA = new TurnContext(new TestAdapter(), Message("conversation-1"));
        using var turnB = new TurnContext(new TestAdapter(), Message("conversation-1"));
        await state.LoadAsync(turnA);
        await state.LoadAsync(turnB);
        await topic.SetAsync(turnA, "from A");
        await topic.SetAsync(turnB, "from B");

        await state.SaveChangesAsync(turnA);
        var conflict = await Assert.ThrowsAsync<ETagConflictException>(() => state.SaveChangesAsync(turnB));

        Assert.StartsWith("Etag conflict", conflict.Message, StringComparison.Ordinal);
        using var reader = new TurnContext(new TestAdapter(), Message("conversation-1"));
        Assert.Equal("from A", await new ConversationState(storage).CreateProperty<string>("topic").GetAsync(reader, () => "none"));
    }

    private static Activity Message(string conversationId) => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        ChannelId = "test",
        Conversation = new ConversationAccount(id: conversationId),
        From = new ChannelAccount(id: "user-1", role: RoleTypes.User),
        Recipient = new ChannelAccount(id: "bot", role: RoleTypes.Bot),
        Text = "hello",
    };
}
