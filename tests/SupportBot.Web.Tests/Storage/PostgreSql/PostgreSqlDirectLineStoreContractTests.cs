using Microsoft.Bot.Schema;
using SupportBot.Testing;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL store over a fresh database per test, and replicas appending to one conversation.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlDirectLineStoreContractTests : DirectLineStoreContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override IDirectLineStore CreateStore() => new PostgreSqlDirectLineStore(_database!.Open());

    [Fact]
    public async Task Replicas_appending_to_one_conversation_at_once_get_gap_free_watermarks()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => CreateStore()).ToList();
        await replicas[0].TryStartAsync(new DirectLineConversation("c-1", "dl_user", DateTimeOffset.UtcNow), default);

        var watermarks = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            replicas[i % 3].AppendAsync("c-1", new Activity(ActivityTypes.Message) { Text = $"message {i}" }, default)));

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), watermarks.Select(a => a.Watermark).Order());
        var page = await replicas[1].ReadAsync("c-1", 0, 100, default);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), page.Activities.Select(a => a.Watermark));
        Assert.Equal(30, page.Watermark);
    }
}
