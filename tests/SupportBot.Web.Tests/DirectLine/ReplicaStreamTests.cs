using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Testing;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>Direct Line across replicas on PostgreSQL: a WebSocket held on one host gets what a message posted to another produced.</summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class ReplicaStreamTests(TrainedModelFixture model) : IAsyncLifetime
{
    private const string KeyHashAnswer = "This error occurs when the key hash value";

    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task A_stream_on_one_replica_receives_in_order_the_replies_to_a_message_posted_on_another()
    {
        using var replicaA = Replica();
        using var replicaB = Replica();
        await replicaA.Services.GetRequiredService<PostgreSqlConversationNotifier>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var onA = new DirectLineCalls(replicaA.CreateClient());
        var onB = new DirectLineCalls(replicaB.CreateClient());

        var conversation = await onA.StartAsync();
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);
        var question = await onB.SayAsync(conversation, "keyhash mismatch android");
        await stream.ReceiveUntilAsync(s => s.Activities.Any(a => a.Text() == BotTexts.English.FeedbackQuestion));

        Assert.Equal(BotTexts.English.Welcome, stream.Activities[0].Text());
        Assert.Equal(question, (string?)stream.Activities[1]["id"]);
        Assert.Contains(stream.Activities, a => a.IsBotMessage() && a.Text()!.Contains(KeyHashAnswer, StringComparison.Ordinal));
        stream.AssertEveryActivityInWatermarkOrder(conversation.Id);
        var (polled, watermark) = await onB.GetActivitiesAsync(conversation);
        Assert.Equal(stream.Activities.Select(a => (string?)a["id"]), polled.Select(a => (string?)a["id"]));
        Assert.Equal(stream.Watermarks[^1], watermark);
    }

    private KestrelSupportBot Replica() => KestrelSupportBot.WithSettings(model, new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "PostgreSql",
        ["ConnectionStrings:SupportBot"] = _database!.ConnectionString,
    });
}
