using Microsoft.Bot.Builder;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite transcript store over a fresh temporary file per test, and what only a file shared with the state can do.</summary>
public sealed class SqliteTranscriptStoreContractTests : DatabaseTranscriptStoreContractTests, IDisposable
{
    private readonly TemporaryDatabase _database = new();

    protected override ITranscriptStore CreateStore() => new SqliteTranscriptStore(_database.Path);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Transcripts_and_state_share_one_file_and_survive_a_restart()
    {
        var database = new SqliteDatabase(_database.Path);
        await using (var before = new SqliteTranscriptStore(database))
        {
            // Disposed as the host disposes it at shutdown, which writes what is queued.
            await before.LogActivityAsync(Message("conversation-1", "hello", Start));
        }

        await new SqliteStorage(database).WriteAsync(new Dictionary<string, object> { ["state"] = new VisitorNote { Text = "kept" } });

        TemporaryDatabase.CloseAllConnections();

        Assert.Equal(["hello"], (await new SqliteTranscriptStore(_database.Path).GetTranscriptActivitiesAsync("test", "conversation-1")).Items.Select(Text));
        Assert.Single(await new SqliteStorage(_database.Path).ReadAsync(["state"]));
    }
}
