using Microsoft.Bot.Builder;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// The IStorage contract every state provider passes (MemoryStorage's behaviour). A provider's
/// tests subclass this and return a fresh, empty storage from <see cref="CreateStorage"/>.
/// </summary>
public abstract class StorageContractTests
{
    private IStorage? _storage;

    protected IStorage Storage => _storage ??= CreateStorage();

    /// <summary>A new, empty storage; called once per test.</summary>
    protected abstract IStorage CreateStorage();

    [Fact]
    public async Task A_written_item_is_read_back_with_its_values_and_an_etag()
    {
        await WriteAsync("case", new SupportCase { Id = "c-1", Topic = "keyhash", Attempts = 1 });

        var stored = await ReadCaseAsync("case");

        Assert.Equal("c-1", stored.Id);
        Assert.Equal("keyhash", stored.Topic);
        Assert.Equal(1, stored.Attempts);
        Assert.False(string.IsNullOrEmpty(stored.ETag));
    }

    [Fact]
    public async Task Keys_that_were_never_written_are_left_out_of_what_is_read()
    {
        await WriteAsync("present", new VisitorNote { Text = "here" });

        var items = await Storage.ReadAsync(["missing", "present", "also-missing"]);

        Assert.Equal(["present"], items.Keys);
        Assert.Empty(await Storage.ReadAsync(["missing"]));
        Assert.Empty(await Storage.ReadAsync([]));
    }

    [Fact]
    public async Task Writing_with_the_etag_that_was_read_succeeds_and_gives_a_new_etag()
    {
        await WriteAsync("case", new SupportCase { Id = "c-1", Attempts = 1 });
        var read = await ReadCaseAsync("case");

        read.Attempts = 2;
        await WriteAsync("case", read);

        var reread = await ReadCaseAsync("case");
        Assert.Equal(2, reread.Attempts);
        Assert.False(string.IsNullOrEmpty(reread.ETag));
        Assert.NotEqual(read.ETag, reread.ETag);
    }

    [Fact]
    public async Task Writing_with_a_stale_etag_throws_a_conflict_and_keeps_the_stored_item()
    {
        await WriteAsync("case", new SupportCase { Id = "c-1", Attempts = 1 });
        var first = await ReadCaseAsync("case");
        var second = await ReadCaseAsync("case");
        second.Attempts = 2;
        await WriteAsync("case", second);

        first.Attempts = 99;
        await AssertEtagConflictAsync(() => WriteAsync("case", first));

        Assert.Equal(2, (await ReadCaseAsync("case")).Attempts);
    }

    [Fact]
    public async Task Writing_with_the_wildcard_etag_overwrites_and_still_gives_a_new_etag()
    {
        await WriteAsync("case", new SupportCase { Id = "c-1", Attempts = 1 });
        var before = await ReadCaseAsync("case");

        await WriteAsync("case", new SupportCase { Id = "c-1", Attempts = 5, ETag = "*" });

        var after = await ReadCaseAsync("case");
        Assert.Equal(5, after.Attempts);
        Assert.NotEqual(before.ETag, after.ETag);
    }

    [Fact]
    public async Task Items_without_an_etag_are_overwritten_by_the_last_writer()
    {
        await WriteAsync("note", new VisitorNote { Text = "first", Count = 1 });
        await WriteAsync("note", new VisitorNote { Text = "second", Count = 2 });

        var note = Assert.IsType<VisitorNote>((await Storage.ReadAsync(["note"]))["note"]);
        Assert.Equal("second", note.Text);
        Assert.Equal(2, note.Count);
    }

    [Fact]
    public async Task Deleted_keys_are_gone_and_deleting_missing_keys_is_fine()
    {
        await WriteAsync("keep", new VisitorNote { Text = "keep" });
        await WriteAsync("drop", new SupportCase { Id = "drop" });

        await Storage.DeleteAsync(["drop", "never-written"]);

        var items = await Storage.ReadAsync(["keep", "drop"]);
        Assert.Equal(["keep"], items.Keys);
    }

    [Fact]
    public async Task Several_keys_are_written_and_read_in_one_call()
    {
        var changes = new Dictionary<string, object>
        {
            ["user/1"] = new VisitorNote { Text = "one", Count = 1 },
            ["user/2"] = new VisitorNote { Text = "two", Count = 2 },
            ["case/3"] = new SupportCase { Id = "three" },
        };

        await Storage.WriteAsync(changes);
        var items = await Storage.ReadAsync(["user/1", "user/2", "case/3", "user/4"]);

        Assert.Equal(["case/3", "user/1", "user/2"], items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("two", Assert.IsType<VisitorNote>(items["user/2"]).Text);
        Assert.Equal("three", Assert.IsType<SupportCase>(items["case/3"]).Id);
    }

    [Fact]
    public async Task A_typed_object_comes_back_as_the_same_type_with_every_value()
    {
        var openedAt = new DateTimeOffset(2024, 5, 1, 9, 30, 15, 250, TimeSpan.FromHours(9));
        await WriteAsync("case", new SupportCase
        {
            Id = "c-7",
            Topic = "카카오 로그인",
            Attempts = 3,
            Status = CaseStatus.WaitingForUser,
            OpenedAt = openedAt,
            Reference = "2024-05-01T09:30:00Z",
            Platforms = ["android", "ios"],
            Votes = new() { ["helpful"] = 2, ["not-helpful"] = 1 },
            Related = new SupportCase { Id = "c-6", Topic = "logout" },
        });

        var stored = await ReadCaseAsync("case");

        Assert.Equal("카카오 로그인", stored.Topic);
        Assert.Equal(3, stored.Attempts);
        Assert.Equal(CaseStatus.WaitingForUser, stored.Status);
        Assert.Equal(openedAt, stored.OpenedAt);
        Assert.Equal(openedAt.Offset, stored.OpenedAt.Offset);
        Assert.Equal("2024-05-01T09:30:00Z", stored.Reference);
        Assert.Equal(["android", "ios"], stored.Platforms);
        Assert.Equal(2, stored.Votes["helpful"]);
        Assert.Equal("logout", Assert.IsType<SupportCase>(stored.Related).Topic);
    }

    [Fact]
    public async Task A_dictionary_of_mixed_values_comes_back_with_its_nested_types()
    {
        // The shape BotState writes: a Dictionary<string, object> whose values are typed objects.
        await WriteAsync("conversation", new Dictionary<string, object>
        {
            ["topic"] = "redirect uri",
            ["attempts"] = 3,
            ["resolved"] = true,
            ["since"] = "2024-05-01T09:30:00+09:00",
            ["platforms"] = new List<string> { "web", "android" },
            ["case"] = new SupportCase { Id = "c-9", Status = CaseStatus.HandedOff },
        });

        // A Dictionary (database stores hand back a LoadedState, which is one, with its document).
        var stored = Assert.IsAssignableFrom<Dictionary<string, object>>((await Storage.ReadAsync(["conversation"]))["conversation"]);

        Assert.Equal("redirect uri", stored["topic"]);
        Assert.Equal(3L, Convert.ToInt64(stored["attempts"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(true, stored["resolved"]);
        Assert.Equal("2024-05-01T09:30:00+09:00", stored["since"]);
        Assert.Equal(["web", "android"], Assert.IsType<List<string>>(stored["platforms"]));
        Assert.Equal(CaseStatus.HandedOff, Assert.IsType<SupportCase>(stored["case"]).Status);
    }

    [Fact]
    public async Task Keys_with_quotes_slashes_sql_and_unicode_are_stored_exactly_as_given()
    {
        string[] keys =
        [
            "emulator/conversations/8b6e9a80|livechat",
            "it's \"quoted\"",
            "back\\slash",
            "'; DROP TABLE bot_state; --",
            "percent % and underscore _",
            "!@#$%^&*()~/\\><,.?';\"`~",
            "카카오 로그인 🙂",
            " spaced out ",
            "Case",
            "case",
            new string('k', 1000),
        ];
        var changes = keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => (object)new VisitorNote { Text = p.key, Count = p.i });

        await Storage.WriteAsync(changes);
        var items = await Storage.ReadAsync(keys);

        Assert.Equal(keys.Length, items.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            var note = Assert.IsType<VisitorNote>(items[keys[i]]);
            Assert.Equal(keys[i], note.Text);
            Assert.Equal(i, note.Count);
        }
    }

    [Fact]
    public async Task Concurrent_writers_holding_the_same_etag_one_wins_and_the_rest_get_a_conflict()
    {
        const int writers = 8;
        await WriteAsync("case", new SupportCase { Id = "c-1" });
        var etag = (await ReadCaseAsync("case")).ETag;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(1, writers).Select(attempt => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await WriteAsync("case", new SupportCase { Id = "c-1", Attempts = attempt, ETag = etag });
                return (Attempt: attempt, Won: true);
            }
            catch (Exception exception) when (IsEtagConflict(exception))
            {
                return (Attempt: attempt, Won: false);
            }
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal(writers - 1, results.Count(r => !r.Won));
        Assert.Equal(winner.Attempt, (await ReadCaseAsync("case")).Attempts);
    }

    [Fact]
    public async Task Null_key_lists_and_change_sets_are_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.ReadAsync(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.DeleteAsync(null!));
    }

    protected Task WriteAsync(string key, object value) =>
        Storage.WriteAsync(new Dictionary<string, object> { [key] = value });

    protected async Task<SupportCase> ReadCaseAsync(string key) =>
        Assert.IsType<SupportCase>((await Storage.ReadAsync([key]))[key]);

    protected static async Task AssertEtagConflictAsync(Func<Task> write)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(write);
        Assert.True(IsEtagConflict(exception), $"Expected an ETag conflict, got {exception.GetType().Name}: {exception.Message}");
    }

    private static bool IsEtagConflict(Exception exception) =>
        exception.Message.Contains("etag", StringComparison.OrdinalIgnoreCase);
}
