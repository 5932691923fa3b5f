using Microsoft.Data.Sqlite;
using SupportBot.Bot.Insights;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>A file made before a column was added to its table opens, gains the column and keeps its rows.</summary>
public sealed class SqliteSchemaUpgradeTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_question_log_without_the_channel_column_gains_it_and_keeps_its_questions_as_the_unknown_channel()
    {
        await using (var old = new SqliteConnection($"Data Source={_database.Path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            // The asked_questions table as released before the channel was logged.
            create.CommandText = """
                CREATE TABLE asked_questions (
                    id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, asked_at TEXT NOT NULL, text TEXT NOT NULL,
                    language TEXT NULL, outcome TEXT NOT NULL, entry_id TEXT NULL, score REAL NOT NULL,
                    closest_entry_id TEXT NULL, feedback TEXT NULL, reviewed_as TEXT NULL);
                INSERT INTO asked_questions VALUES ('old-1', 'c1', '2025-03-03T09:00:00.0000000Z', 'keyhash mismatch', 'en-US', 'answer', 'android-keyhash-mismatch', 0.9, 'android-keyhash-mismatch', 'helpful', NULL);
                INSERT INTO asked_questions VALUES ('old-2', 'c1', '2025-03-03T09:05:00.0000000Z', 'hello', NULL, 'small-talk', NULL, 0.4, NULL, NULL, NULL);
                """;
            await create.ExecuteNonQueryAsync();
        }

        TemporaryDatabase.CloseAllConnections();
        var insights = new SqliteQuestionInsights(new SqliteDatabase(_database.Path));
        await insights.SaveAsync([new AskedQuestion("new-1", "c2", Monday.AddHours(1), "logout fails", "en-US", QuestionOutcomes.Fallback, null, 0.2, "logout-error", ChannelId: "kakao")]);

        var questions = await insights.ListAsync(Monday, Monday.AddDays(1), 10);
        var stats = await insights.StatsAsync(Monday, Monday.AddDays(1), topEntries: 10);
        await insights.DisposeAsync();

        Assert.Equal([("old-1", null), ("old-2", null), ("new-1", "kakao")], questions.Select(q => (q.Id, q.ChannelId)));
        Assert.Equal(("keyhash mismatch", QuestionFeedback.Helpful), (questions[0].Text, questions[0].Feedback));
        Assert.Equal(
            [new ChannelTally(null, 2, 1), new ChannelTally("kakao", 1, 1)],
            stats.Channels.OrderBy(c => c.ChannelId, StringComparer.Ordinal));

        // Opened again (another host, the next start): the column is there once and nothing is lost.
        TemporaryDatabase.CloseAllConnections();
        var reopened = new SqliteQuestionInsights(new SqliteDatabase(_database.Path));
        Assert.Equal(3, (await reopened.ListAsync(Monday, Monday.AddDays(1), 10)).Count);
        await reopened.DisposeAsync();
        Assert.Equal(1, await ChannelColumnsAsync());
    }

    private async Task<long> ChannelColumnsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('asked_questions') WHERE name = 'channel_id'";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
