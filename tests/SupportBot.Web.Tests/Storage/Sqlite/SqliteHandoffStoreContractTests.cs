using SupportBot.Bot.Handoffs;
using SupportBot.Testing;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite store over a fresh temporary file per test, and what only a file can do: outlive the process.</summary>
public sealed class SqliteHandoffStoreContractTests : HandoffStoreContractTests, IDisposable
{
    private readonly TemporaryDatabase _file = new();

    public void Dispose() => _file.Dispose();

    protected override IHandoffStore CreateStore(IConversationNotifier notifier) => new SqliteHandoffStore(new SqliteDatabase(_file.Path), notifier);

    [Fact]
    public async Task Handoffs_their_logs_and_presence_survive_a_restart_on_the_same_file()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);
        var waiting = await Store.QueueAsync(Conversation("c-2"), Now.AddSeconds(1));
        await Store.AcceptAsync(queued.Id, "Minji", Now.AddMinutes(1));
        await Store.AppendAsync(queued.Id, Json("before"));
        await Store.SetPresenceAsync("Minji", AgentStatus.Online, Now);
        TemporaryDatabase.CloseAllConnections();

        var after = CreateStore(Notifier);

        Assert.Equal(("Minji", HandoffStatus.Active), ((await after.FindOpenAsync("webchat", "c-1"))?.Agent, (await after.FindAsync(queued.Id))?.Status));
        Assert.Equal(1, await after.PlaceAsync(waiting.Id));
        Assert.Equal(2, await after.AppendAsync(queued.Id, Json("after")));
        Assert.Equal([Json("before"), Json("after")], (await after.ReadAsync(queued.Id, 0, 10)).Activities.Select(a => a.ActivityJson));
        Assert.Equal(HandoffChangeResult.HeldByAnother, (await after.AcceptAsync(queued.Id, "Seojun", Now.AddMinutes(2))).Result);
        Assert.Equal([new AgentPresence("Minji", AgentStatus.Online, Now)], await after.ListPresenceAsync());
    }
}
