using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Storage;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Knowledge;
using SupportBot.Testing;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// Hosts on one PostgreSQL database are replicas of one bot: a conversation whose turns land on
/// different hosts continues the same dialog, and two turns of it at once lose no update.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlReplicaTests(TrainedModelFixture model) : IAsyncLifetime
{
    private const string ServiceUrl = "http://127.0.0.1:9";

    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task PostgreSql_provides_every_store_and_readyz_reports_the_database_reachable()
    {
        await using var host = Replica();
        using var client = await host.CreateReadyClientAsync();

        Assert.IsType<PostgreSqlStorage>(host.Services.GetRequiredService<IStorage>());
        Assert.IsType<PostgreSqlTranscriptStore>(host.Services.GetRequiredService<ITranscriptStore>());
        Assert.IsType<PostgreSqlTicketStore>(host.Services.GetRequiredService<ITicketStore>());
        Assert.IsType<PostgreSqlDirectLineStore>(host.Services.GetRequiredService<IDirectLineStore>());
        var ready = JsonNode.Parse(await client.GetStringAsync("/readyz"))!;
        Assert.Equal("Healthy", (string?)ready["checks"]!["storage"]!["status"]);
    }

    [Fact]
    public async Task A_handoff_queued_and_written_on_one_replica_wakes_and_is_read_on_another()
    {
        await using var replicaA = Replica();
        await using var replicaB = Replica();
        using var clientA = await replicaA.CreateReadyClientAsync();
        using var clientB = await replicaB.CreateReadyClientAsync();
        await replicaB.Services.GetRequiredService<PostgreSqlConversationNotifier>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var storeA = replicaA.Services.GetRequiredService<IHandoffStore>();
        var storeB = replicaB.Services.GetRequiredService<IHandoffStore>();
        Assert.IsType<PostgreSqlHandoffStore>(storeA);
        var notifierB = replicaB.Services.GetRequiredService<IConversationNotifier>();
        using var queue = notifierB.Subscribe(HandoffNotifications.Queue);

        var queued = await storeA.QueueAsync(new NewHandoff("webchat", "c-1", "u-1", "Ana", "en", "{}", []), DateTimeOffset.UtcNow);
        using var log = notifierB.Subscribe(HandoffNotifications.Activities(queued.Id));
        Assert.Equal(0, await queue.Watermarks.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        var accepted = await storeB.AcceptAsync(queued.Id, "Minji", DateTimeOffset.UtcNow);
        var watermark = await storeA.AppendAsync(queued.Id, """{"type":"message","text":"hello from replica A"}""");

        Assert.Equal(HandoffChangeResult.Changed, accepted.Result);
        Assert.Equal(watermark, await log.Watermarks.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["""{"type":"message","text":"hello from replica A"}"""], (await storeB.ReadAsync(queued.Id, 0, 10)).Activities.Select(a => a.ActivityJson));
    }

    [Fact]
    public async Task Readyz_reports_a_database_that_cannot_be_reached()
    {
        var closedPort = new Npgsql.NpgsqlConnectionStringBuilder(_database!.ConnectionString) { Port = 1, Timeout = 2 }.ToString();
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = closedPort,
        });
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", (string?)body["checks"]!["storage"]!["status"]);
        Assert.Contains("database is not reachable", (string?)body["checks"]!["storage"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_begun_on_one_replica_is_continued_on_another()
    {
        var conversation = $"conv-{Guid.NewGuid():N}";
        await using var replicaA = Replica();
        await using var replicaB = Replica();
        using var clientA = await replicaA.CreateReadyClientAsync();
        using var clientB = await replicaB.CreateReadyClientAsync();
        var question = replicaA.Services.GetRequiredService<KnowledgeBase>().Find("login-screen-instead-of-kakaotalk")!.Question;

        var asked = await TurnAsync(clientA, conversation, question);
        var answered = await TurnAsync(clientB, conversation, "Android");

        Assert.Contains(BotTexts.English.PlatformQuestion, asked);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, BotTexts.English.PlatformAnswerIntro, "Android"), answered[0], StringComparison.Ordinal);
        Assert.Contains(BotTexts.English.FeedbackQuestion, answered);
    }

    [Fact]
    public async Task Two_turns_of_one_conversation_at_once_on_two_replicas_keep_both_updates()
    {
        // A first turn saves the conversation's state, so the racing saves are conditional on its ETag.
        var questions = await RaceAsync(firstTurn: "how do I change the app owner");

        Assert.Equal(["how do I change the app owner", "keyhash mismatch android", "logout fails"], questions);
    }

    [Fact]
    public async Task The_first_two_turns_of_a_new_conversation_at_once_on_two_replicas_keep_both_updates()
    {
        // No state stored yet, so no ETag read: the first save must still not overwrite the other's.
        var questions = await RaceAsync(firstTurn: null);

        Assert.Equal(["keyhash mismatch android", "logout fails"], questions);
    }

    /// <summary>
    /// Replica A's state write waits until replica B's whole turn is saved: A then saves over state
    /// it read before B's turn, the race a load balancer can make of two quick messages. Returns
    /// the questions the conversation's stored state remembers.
    /// </summary>
    private async Task<IEnumerable<string>> RaceAsync(string? firstTurn)
    {
        var conversation = $"conv-{Guid.NewGuid():N}";
        var bDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        GatedStorage? gate = null;
        await using var replicaA = Replica(services => services.AddSingleton<IStorage>(sp =>
            gate = new GatedStorage(new PostgreSqlStorage(sp.GetRequiredService<PostgreSqlDatabase>()), bDone.Task)));
        await using var replicaB = Replica();
        using var clientA = await replicaA.CreateReadyClientAsync();
        using var clientB = await replicaB.CreateReadyClientAsync();

        if (firstTurn is not null)
        {
            await TurnAsync(clientB, conversation, firstTurn);
        }

        var turnA = TurnAsync(clientA, conversation, "keyhash mismatch android");
        await gate!.WriteReached;
        await TurnAsync(clientB, conversation, "logout fails");
        bDone.SetResult();
        var repliesA = await turnA;

        Assert.True(gate.Conflicts > 0, "replica A's first save should have met replica B's change");
        // Replies held for the expectReplies response: the losing attempt's were withdrawn.
        Assert.Single(repliesA, r => r == BotTexts.English.FeedbackQuestion);
        var state = await replicaB.Services.GetRequiredService<IStorage>().ReadAsync([$"emulator/conversations/{conversation}"]);
        var dialog = (SupportDialogState)((IDictionary<string, object>)state.Values.Single())[SupportDialogState.PropertyName];
        return dialog.Log.Questions.Select(q => q.Text).Order();
    }

    private SupportBotFactory Replica(Action<IServiceCollection>? services = null) =>
        SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "PostgreSql",
                ["ConnectionStrings:SupportBot"] = _database!.ConnectionString,
            },
            services: services);

    /// <summary>One turn through /api/messages; the texts of the bot's replies.</summary>
    private static async Task<List<string>> TurnAsync(HttpClient client, string conversation, string text)
    {
        using var response = await client.PostActivityAsync(Activities.Message(ServiceUrl, conversation, text, expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["activities"]!.AsArray().Select(a => (string?)a!["text"]).OfType<string>().ToList();
    }

    /// <summary>The real storage, whose first conversation-state write waits for a signal: makes a race between replicas happen every time.</summary>
    private sealed class GatedStorage(IStorage inner, Task release) : IStorage
    {
        private readonly TaskCompletionSource _writeReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _conflicts;

        public Task WriteReached => _writeReached.Task;

        public int Conflicts => Volatile.Read(ref _conflicts);

        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(keys, cancellationToken);

        public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
        {
            if (changes.Keys.Any(k => k.Contains("/conversations/", StringComparison.Ordinal)) && _writeReached.TrySetResult())
            {
                await release;
            }

            try
            {
                await inner.WriteAsync(changes, cancellationToken);
            }
            catch (ETagConflictException)
            {
                Interlocked.Increment(ref _conflicts);
                throw;
            }
        }

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);
    }
}
