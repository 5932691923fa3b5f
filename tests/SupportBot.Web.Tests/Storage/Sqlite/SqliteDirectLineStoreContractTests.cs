using Microsoft.Bot.Schema;
using Microsoft.Data.Sqlite;
using SupportBot.Bot.Storage;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The SQLite store over a fresh temporary file per test, and what only a file can do: outlive the process.</summary>
public sealed class SqliteDirectLineStoreContractTests : DirectLineStoreContractTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("supportbot-directline-");

    private string DatabasePath => Path.Combine(_directory.FullName, "supportbot.db");

    [Fact]
    public async Task History_and_watermarks_survive_a_restart_on_the_same_file()
    {
        var before = new SqliteDirectLineStore(new SqliteDatabase(DatabasePath));
        await before.TryStartAsync(new DirectLineConversation("c-1", "dl_user", DateTimeOffset.UtcNow), default);
        await before.AppendAsync("c-1", new Activity(ActivityTypes.Message) { Text = "before" }, default);
        SqliteConnection.ClearAllPools();

        var after = new SqliteDirectLineStore(new SqliteDatabase(DatabasePath));
        var next = await after.AppendAsync("c-1", new Activity(ActivityTypes.Message) { Text = "after" }, default);

        Assert.Equal(2, next.Watermark);
        Assert.False(await after.TryStartAsync(new DirectLineConversation("c-1", "dl_user", DateTimeOffset.UtcNow), default));
        Assert.Equal(2, (await after.ReadAsync("c-1", 0, 100, default)).Activities.Count);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    protected override IDirectLineStore CreateStore() => new SqliteDirectLineStore(new SqliteDatabase(DatabasePath));
}
