using Microsoft.Data.Sqlite;
using SupportBot.Bot.Storage;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Web.Tests.Storage.Sqlite;

/// <summary>The database's single writer: jobs share commits, a failing job is undone alone, and nothing queued is lost on dispose.</summary>
public sealed class SqliteWriterTests : IDisposable
{
    private const string CreateNotes = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)";

    private readonly TemporaryDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task A_write_is_visible_to_other_connections_once_its_task_completes()
    {
        await using var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());

        await database.Writer.WriteAsync(batch => Insert(batch, 1, "keyhash"));

        Assert.Equal(["keyhash"], await ReadNotesAsync(database));
    }

    [Fact]
    public async Task A_job_that_throws_is_undone_alone_while_the_jobs_beside_it_commit()
    {
        await using var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());

        var jobs = Enumerable.Range(1, 50).Select(i => database.Writer.WriteAsync(batch =>
        {
            Insert(batch, i, $"note {i}");
            if (i % 10 == 0)
            {
                Insert(batch, 1000 + i, "written, then undone with its job");
                throw new InvalidOperationException($"job {i} fails");
            }
        })).ToList();

        var failures = 0;
        foreach (var job in jobs)
        {
            try
            {
                await job;
            }
            catch (InvalidOperationException)
            {
                failures++;
            }
        }

        var notes = await ReadNotesAsync(database);
        Assert.Equal(5, failures);
        Assert.Equal(45, notes.Count);
        Assert.DoesNotContain("written, then undone with its job", notes);
        Assert.DoesNotContain("note 10", notes);
    }

    [Fact]
    public async Task A_job_returns_its_value_after_the_commit()
    {
        await using var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());

        var changed = await database.Writer.WriteAsync(batch => Insert(batch, 7, "seven"));

        Assert.Equal(1, changed);
    }

    [Fact]
    public async Task Disposing_the_database_writes_every_queued_job_first()
    {
        var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());
        var queued = Enumerable.Range(1, 200).Select(i => database.Writer.WriteAsync(batch => Insert(batch, i, $"note {i}"))).ToList();

        await database.DisposeAsync();

        await Task.WhenAll(queued);
        await using var reopened = new SqliteDatabase(_file.Path);
        Assert.Equal(200, (await ReadNotesAsync(reopened)).Count);
    }

    [Fact]
    public async Task Writes_from_many_callers_at_once_all_arrive()
    {
        await using var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());

        await Task.WhenAll(Enumerable.Range(1, 500).Select(i => Task.Run(() => database.Writer.WriteAsync(batch => Insert(batch, i, $"note {i}")))));

        Assert.Equal(500, (await ReadNotesAsync(database)).Count);
    }

    [Fact]
    public async Task While_writes_wait_behind_the_writer_the_log_is_checkpointed_in_small_steps()
    {
        await using var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());

        // Queued all at once: every commit but the last has writes waiting behind it.
        await Task.WhenAll(Enumerable.Range(1, 3000).Select(i => database.Writer.WriteAsync(batch => Insert(batch, i, PageOfText(i)))));

        // SQLite's default (1,000 pages) would let the log reach 4 MB before its first checkpoint.
        Assert.True(LogPages() < 1000, $"the log reached {LogPages()} pages");
    }

    [Fact]
    public async Task With_nothing_waiting_the_log_is_checkpointed_in_large_steps()
    {
        await using var database = new SqliteDatabase(_file.Path);
        await database.Writer.WriteAsync(batch => batch.Command(CreateNotes).ExecuteNonQuery());

        for (var i = 1; i <= 300; i++)
        {
            await database.Writer.WriteAsync(batch => Insert(batch, i, PageOfText(i)));
        }

        Assert.True(LogPages() > 200, $"the log was checkpointed at {LogPages()} pages");
    }

    private static string PageOfText(int seed) => new((char)('a' + (seed % 26)), 3000);

    private long LogPages() => new FileInfo(_file.Path + "-wal").Length / 4096;

    private static int Insert(SqliteWriteBatch batch, int id, string text)
    {
        var insert = batch.Command("INSERT INTO notes (id, text) VALUES ($id, $text)");
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$text", text);
        return insert.ExecuteNonQuery();
    }

    private static async Task<List<string>> ReadNotesAsync(SqliteDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM notes ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var notes = new List<string>();
        while (await reader.ReadAsync())
        {
            notes.Add(reader.GetString(0));
        }

        return notes;
    }
}
