using SupportBot.Bot.Insights;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite question insights pass the contract over a fresh file per test, and keep questions across a restart.</summary>
public sealed class SqliteQuestionInsightsContractTests : QuestionInsightsContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override IQuestionInsights CreateStore() => new SqliteQuestionInsights(new SqliteDatabase(_database.Path));

    [Fact]
    public async Task Questions_survive_a_new_store_over_the_same_file()
    {
        // Written behind the turn: a store disposed (the host stopping) has written what it was told.
        var first = CreateStore();
        await first.SaveAsync([Question("q1", Monday)]);
        await ((IAsyncDisposable)first).DisposeAsync();

        TemporaryDatabase.CloseAllConnections();
        var reopened = CreateStore();

        Assert.Equal("q1", Assert.Single(await reopened.ListAsync(Monday, Monday.AddDays(1), 10)).Id);
    }
}
