using Microsoft.Bot.Builder;
using Microsoft.Data.Sqlite;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>What SqliteStorage promises beyond the shared contract: one file shared by instances and processes, restarts, pragmas, tampering.</summary>
public sealed class SqliteStorageTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Two_instances_on_one_file_see_each_others_writes_and_deletes()
    {
        var first = new SqliteStorage(_database.Path);
        var second = new SqliteStorage(_database.Path);

        await Write(first, "case", new SupportCase { Id = "c-1", Topic = "keyhash" });
        Assert.Equal("keyhash", (await ReadCase(second, "case")).Topic);

        await second.DeleteAsync(["case"]);
        Assert.Empty(await first.ReadAsync(["case"]));
    }

    [Fact]
    public async Task An_etag_conflict_between_two_instances_on_one_file_is_detected()
    {
        var first = new SqliteStorage(_database.Path);
        var second = new SqliteStorage(_database.Path);
        await Write(first, "case", new SupportCase { Id = "c-1", Attempts = 1 });
        var readByFirst = await ReadCase(first, "case");
        var readBySecond = await ReadCase(second, "case");

        readBySecond.Attempts = 2;
        await Write(second, "case", readBySecond);
        readByFirst.Attempts = 3;

        var conflict = await Assert.ThrowsAsync<ETagConflictException>(() => Write(first, "case", readByFirst));
        Assert.StartsWith("Etag conflict", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await ReadCase(first, "case")).Attempts);
    }

    [Fact]
    public async Task Racing_instances_on_one_file_holding_the_same_etag_exactly_one_wins()
    {
        const int writers = 6;
        await Write(new SqliteStorage(_database.Path), "case", new SupportCase { Id = "c-1" });
        var etag = (await ReadCase(new SqliteStorage(_database.Path), "case")).ETag;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each writer has its own instance (and database object), as separate processes would.
        var attempts = Enumerable.Range(1, writers).Select(attempt => Task.Run(async () =>
        {
            var storage = new SqliteStorage(new SqliteDatabase(_database.Path));
            await start.Task;
            try
            {
                await Write(storage, "case", new SupportCase { Id = "c-1", Attempts = attempt, ETag = etag });
                return true;
            }
            catch (ArgumentException exception) when (exception.Message.StartsWith("Etag conflict", StringComparison.Ordinal))
            {
                return false;
            }
        })).ToList();
        start.SetResult();
        var won = await Task.WhenAll(attempts);

        Assert.Equal(1, won.Count(w => w));
        Assert.Equal(Array.IndexOf(won, true) + 1, (await ReadCase(new SqliteStorage(_database.Path), "case")).Attempts);
    }

    [Fact]
    public async Task State_survives_a_restart()
    {
        await Write(new SqliteStorage(_database.Path), "case", new SupportCase { Id = "c-1", Topic = "logout" });
        var etagBefore = (await ReadCase(new SqliteStorage(_database.Path), "case")).ETag;

        TemporaryDatabase.CloseAllConnections();
        var reopened = await ReadCase(new SqliteStorage(_database.Path), "case");

        Assert.Equal("logout", reopened.Topic);
        Assert.Equal(etagBefore, reopened.ETag);
    }

    [Fact]
    public async Task Connections_use_wal_a_busy_timeout_and_foreign_keys()
    {
        var database = new SqliteDatabase(_database.Path);
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);

        Assert.Equal("wal", await Pragma(connection, "journal_mode"));
        Assert.True(Convert.ToInt64(await Pragma(connection, "busy_timeout"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(1L, await Pragma(connection, "foreign_keys"));
        Assert.Equal(1L, await Pragma(connection, "synchronous"));
    }

    [Fact]
    public async Task The_folder_of_the_database_file_is_created_when_missing()
    {
        var nested = Path.Combine(Path.GetDirectoryName(_database.Path)!, "data", "state", "bot.db");

        await Write(new SqliteStorage(nested), "note", new VisitorNote { Text = "hello" });

        Assert.True(File.Exists(nested));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_store_item_with_no_etag_overwrites_the_stored_one(string? etag)
    {
        // Unlike MemoryStorage, which calls this a conflict; the Azure storages overwrite, as here.
        var storage = new SqliteStorage(_database.Path);
        await Write(storage, "case", new SupportCase { Id = "c-1", Attempts = 1 });

        await Write(storage, "case", new SupportCase { Id = "c-1", Attempts = 2, ETag = etag });

        Assert.Equal(2, (await ReadCase(storage, "case")).Attempts);
    }

    [Fact]
    public async Task A_write_of_several_keys_with_one_conflict_writes_none_of_them()
    {
        var storage = new SqliteStorage(_database.Path);
        await Write(storage, "case", new SupportCase { Id = "c-1", Attempts = 1 });

        var changes = new Dictionary<string, object>
        {
            ["note"] = new VisitorNote { Text = "written before the conflict" },
            ["case"] = new SupportCase { Id = "c-1", Attempts = 2, ETag = "stale" },
        };
        await Assert.ThrowsAsync<ETagConflictException>(() => storage.WriteAsync(changes));

        Assert.Equal(["case"], (await storage.ReadAsync(["note", "case"])).Keys);
        Assert.Equal(1, (await ReadCase(storage, "case")).Attempts);
    }

    [Fact]
    public async Task Writing_null_removes_the_key()
    {
        var storage = new SqliteStorage(_database.Path);
        await Write(storage, "note", new VisitorNote { Text = "hello" });

        await storage.WriteAsync(new Dictionary<string, object> { ["note"] = null! });

        Assert.Empty(await storage.ReadAsync(["note"]));
    }

    [Fact]
    public async Task A_cancelled_token_stops_reads_writes_and_deletes()
    {
        var storage = new SqliteStorage(_database.Path);
        await Write(storage, "note", new VisitorNote { Text = "kept" });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.ReadAsync(["note"], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            storage.WriteAsync(new Dictionary<string, object> { ["note"] = new VisitorNote { Text = "changed" } }, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.DeleteAsync(["note"], cancelled.Token));

        Assert.Equal("kept", Assert.IsType<VisitorNote>((await storage.ReadAsync(["note"]))["note"]).Text);
    }

    [Fact]
    public async Task A_tampered_row_naming_a_disallowed_type_is_refused_on_read()
    {
        var storage = new SqliteStorage(_database.Path);
        await Write(storage, "conversation", new VisitorNote { Text = "harmless" });
        await ExecuteAsync(
            "UPDATE bot_state SET document = $document WHERE state_key = 'conversation'",
            ("$document", """{"$type":"System.Diagnostics.Process, System.Diagnostics.Process","StartInfo":{"FileName":"/bin/sh","Arguments":"-c true"}}"""));

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => storage.ReadAsync(["conversation"]));

        Assert.Contains("'conversation'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("System.Diagnostics.Process", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not allowed", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_a_disallowed_type_is_refused_on_write_and_nothing_is_stored()
    {
        var storage = new SqliteStorage(_database.Path);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            storage.WriteAsync(new Dictionary<string, object> { ["cookie"] = new System.Net.Cookie("session", "abc") }));

        Assert.Contains("not allowed", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await storage.ReadAsync(["cookie"]));
    }

    private static Task Write(IStorage storage, string key, object value) =>
        storage.WriteAsync(new Dictionary<string, object> { [key] = value });

    private static async Task<SupportCase> ReadCase(IStorage storage, string key) =>
        Assert.IsType<SupportCase>((await storage.ReadAsync([key]))[key]);

    private static async Task<object?> Pragma(SqliteConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
