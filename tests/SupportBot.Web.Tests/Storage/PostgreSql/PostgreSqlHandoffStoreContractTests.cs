using SupportBot.Bot.Handoffs;
using SupportBot.Testing;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL store over a fresh database per test, and replicas racing for one handoff.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlHandoffStoreContractTests : HandoffStoreContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    // Each store its own data source: a replica of its own, with its own connections.
    protected override IHandoffStore CreateStore(IConversationNotifier notifier) => new PostgreSqlHandoffStore(_database!.Open(), notifier);

    [Fact]
    public async Task Of_agents_on_several_replicas_accepting_one_handoff_at_once_exactly_one_wins()
    {
        var replicas = Enumerable.Range(0, 4).Select(_ => CreateStore(Notifier)).ToList();
        for (var round = 0; round < 5; round++)
        {
            var queued = await replicas[0].QueueAsync(Conversation($"c-{round}"), Now);

            var changes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                Task.Run(() => replicas[i % 4].AcceptAsync(queued.Id, $"agent-{i}", Now.AddSeconds(i)))));

            var winner = Assert.Single(changes, c => c.Result == HandoffChangeResult.Changed);
            Assert.All(changes.Where(c => c != winner), c => Assert.Equal(HandoffChangeResult.HeldByAnother, c.Result));
            Assert.Equal(winner.Handoff!.Agent, (await replicas[3].FindAsync(queued.Id))?.Agent);
        }
    }

    [Fact]
    public async Task Replicas_queueing_one_conversation_at_once_queue_it_once()
    {
        var replicas = Enumerable.Range(0, 4).Select(_ => CreateStore(Notifier)).ToList();

        var queued = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => replicas[i % 4].QueueAsync(Conversation("c-1"), Now.AddSeconds(i)))));

        Assert.Single(queued.Select(h => h.Id).Distinct());
        Assert.Single(await replicas[1].ListAsync(HandoffStatus.Waiting, 10));
    }

    [Fact]
    public async Task Replicas_appending_to_one_handoff_at_once_get_gap_free_watermarks()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => CreateStore(Notifier)).ToList();
        var queued = await replicas[0].QueueAsync(Conversation("c-1"), Now);

        var watermarks = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => replicas[i % 3].AppendAsync(queued.Id, Json($"m{i}"))));

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), watermarks.Order());
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), (await replicas[1].ReadAsync(queued.Id, 0, 100)).Activities.Select(a => a.Watermark));
    }

    [Fact]
    public async Task Handoffs_their_logs_and_presence_survive_a_restart_on_a_new_data_source()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);
        await Store.AcceptAsync(queued.Id, "Minji", Now.AddMinutes(1));
        await Store.AppendAsync(queued.Id, Json("before"));
        await Store.SetPresenceAsync("Minji", AgentStatus.Online, Now);

        var after = CreateStore(Notifier);

        Assert.Equal(("Minji", HandoffStatus.Active), ((await after.FindOpenAsync("webchat", "c-1"))?.Agent, (await after.FindAsync(queued.Id))?.Status));
        Assert.Equal(2, await after.AppendAsync(queued.Id, Json("after")));
        Assert.Equal([Json("before"), Json("after")], (await after.ReadAsync(queued.Id, 0, 10)).Activities.Select(a => a.ActivityJson));
        Assert.Equal([new AgentPresence("Minji", AgentStatus.Online, Now)], await after.ListPresenceAsync());
    }
}
