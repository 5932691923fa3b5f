using Microsoft.Extensions.Options;
using SupportBot.Bot.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Bot.Tests.Conversation;

public sealed class TranscriptRecorderMiddlewareTests : IAsyncDisposable
{
    private readonly TemporaryDatabase _database = new();
    private readonly SqliteTranscriptStore _store;

    public TranscriptRecorderMiddlewareTests() => _store = new SqliteTranscriptStore(_database.Path);

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_conversation_is_recorded_in_order_with_roles_ids_and_timestamps()
    {
        await new TestFlow(Adapter("conversation-1"), Echo)
            .Send("hello").AssertReply("echo: hello")
            .Send("keyhash mismatch").AssertReply("echo: keyhash mismatch")
            .StartTestAsync();

        var logged = await _store.LoggedAsync("conversation-1", 4);

        Assert.Equal(["hello", "echo: hello", "keyhash mismatch", "echo: keyhash mismatch"], logged.Select(a => a.AsMessageActivity().Text));
        Assert.Equal([RoleTypes.User, RoleTypes.Bot, RoleTypes.User, RoleTypes.Bot], logged.Select(a => a.From.Role));
        Assert.All(logged, a => Assert.False(string.IsNullOrEmpty(a.Id)));
        Assert.All(logged, a => Assert.NotNull(a.Timestamp));
    }

    [Fact]
    public async Task What_the_bot_sends_is_left_as_it_was()
    {
        await new TestFlow(Adapter("conversation-1"), Echo)
            .Send("hello")
            .AssertReply(reply => Assert.Null(reply.From.Role))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_proactive_turn_records_what_it_sends_not_its_continue_conversation_event()
    {
        var adapter = Adapter("conversation-1");
        var reference = adapter.Conversation;
        await adapter.ContinueConversationAsync(string.Empty, reference, (turn, ct) => turn.SendActivityAsync("from the agent", cancellationToken: ct), default);

        var logged = await _store.LoggedAsync("conversation-1", 1);

        var only = Assert.Single(logged);
        Assert.Equal("from the agent", only.AsMessageActivity().Text);
        Assert.Equal(RoleTypes.Bot, only.From.Role);
    }

    [Fact]
    public async Task Typing_indicators_are_not_recorded()
    {
        await new TestFlow(Adapter("conversation-1"), async (turn, ct) =>
            {
                await turn.SendActivityAsync(new Activity(ActivityTypes.Typing), ct);
                await turn.SendActivityAsync("answer", cancellationToken: ct);
            })
            .Send("question").AssertReply(a => Assert.Equal(ActivityTypes.Typing, a.Type)).AssertReply("answer")
            .StartTestAsync();

        var logged = await _store.LoggedAsync("conversation-1", 2);

        Assert.Equal([ActivityTypes.Message, ActivityTypes.Message], logged.Select(a => a.Type));
    }

    private TestAdapter Adapter(string conversationId)
    {
        var adapter = new TestAdapter(TestAdapter.CreateConversation(conversationId));
        adapter.Use(new TranscriptRecorderMiddleware(_store, new TextRedactor(Options.Create(new RedactionOptions()))));
        return adapter;
    }

    private static Task Echo(ITurnContext turn, CancellationToken cancellationToken) =>
        turn.SendActivityAsync($"echo: {turn.Activity.Text}", cancellationToken: cancellationToken);
}
