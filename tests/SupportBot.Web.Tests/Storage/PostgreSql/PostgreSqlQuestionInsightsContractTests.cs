using SupportBot.Bot.Insights;
using SupportBot.Testing;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The PostgreSQL question insights pass the contract over a fresh database per test, and replicas see each other's questions.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlQuestionInsightsContractTests : QuestionInsightsContractTests, IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    protected override IQuestionInsights CreateStore() => new PostgreSqlQuestionInsights(_database!.Open());

    [Fact]
    public async Task A_question_saved_by_one_replica_is_listed_and_reviewed_by_another()
    {
        var replicaA = CreateStore();
        var replicaB = CreateStore();

        await replicaA.SaveAsync([Question("q1", Monday, QuestionOutcomes.Fallback, entryId: null)]);
        // Written behind the turn on replica A: replica B sees it once A's writer has run.
        await WaitUntilListedAsync(replicaB, "q1");
        var reviewed = await replicaB.ReviewAsync(["q1", "q1", "unknown"], "kakao-login-error");

        Assert.Equal(1, reviewed);
        Assert.Equal("kakao-login-error", Assert.Single(await replicaA.ListAsync(Monday, Monday.AddDays(1), 10)).ReviewedAs);
    }

    [Fact]
    public async Task A_question_is_written_behind_the_turn_and_seen_by_another_replica()
    {
        var replicaA = CreateStore();
        var replicaB = CreateStore();

        var saved = replicaA.SaveAsync([Question("q1", Monday)]);

        Assert.True(saved.IsCompletedSuccessfully, "queued, not waiting on the database");
        Assert.Equal("q1", (await WaitUntilListedAsync(replicaB, "q1")).Id);
    }

    private static async Task<AskedQuestion> WaitUntilListedAsync(IQuestionInsights store, string id)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if ((await store.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100)).FirstOrDefault(q => q.Id == id) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{id} was not listed within 30 s");
    }
}
