using Microsoft.Bot.Builder;
using SupportBot.Testing;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL retention passes the contract over a fresh database per test, and replicas sweeping together take turns.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlRetentionContractTests : DatabaseRetentionContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override RetentionStores CreateStores(TimeProvider time)
    {
        var database = _database!.Open();
        var outbox = new PostgreSqlTicketOutbox(database);
        return new RetentionStores(
            new PostgreSqlRetention(database),
            new PostgreSqlQuestionInsights(database),
            new PostgreSqlDirectLineStore(database),
            new PostgreSqlTicketStore(database, outbox, time),
            outbox,
            new PostgreSqlHandoffStore(database));
    }

    protected override ITranscriptStore CreateTranscripts() => new PostgreSqlTranscriptStore(_database!.Open());

    protected override IStorage CreateState() => new PostgreSqlStorage(_database!.Open());

    [Fact]
    public async Task Replicas_sweeping_at_once_delete_every_expired_row_once()
    {
        var directLine = Stores.DirectLine;
        for (var i = 0; i < 40; i++)
        {
            await directLine.TryStartAsync(new DirectLineConversation($"c-{i}", "user-1", Cutoff.AddDays(-1)), CancellationToken.None);
        }

        var replicas = Enumerable.Range(0, 4).Select(_ => new PostgreSqlRetention(_database!.Open())).ToList();
        var deleted = await Task.WhenAll(replicas.Select(async replica =>
        {
            var total = 0;
            for (var round = 0; round < 20; round++)
            {
                total += await replica.DeleteOlderThanAsync(RetentionKind.DirectLine, Cutoff, 5);
            }

            return total;
        }));

        Assert.Equal(40, deleted.Sum());
        Assert.Null(await directLine.FindAsync("c-0", CancellationToken.None));
    }
}
