using System.Text;
using Npgsql;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Testing;
using SupportBot.Web.Classification;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The models the replicas share: versions per shipped training data, one first publication however many replicas race.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlModelStoreTests : IAsyncLifetime
{
    private const string ThisRelease = "release-b-fingerprint";
    private const string OtherRelease = "release-a-fingerprint";

    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task The_newest_model_is_the_last_published_for_the_same_training_data_and_never_another_releases()
    {
        var store = new PostgreSqlModelStore(_database!.Open());
        var first = await store.PublishAsync(Model("first"), ThisRelease, 1200, "replica-a", default);
        var second = await store.PublishAsync(Model("second"), ThisRelease, 1203, "replica-b", default);
        var otherRelease = await store.PublishAsync(Model("other release, published last"), OtherRelease, 900, "old-replica", default);

        var newest = await store.NewestAsync(ThisRelease, default);

        Assert.True(first.Version < second.Version && second.Version < otherRelease.Version);
        Assert.Equal(second, newest);
        Assert.Equal(("replica-b", 1203, Model("second").Length), (newest!.PublishedBy, newest.Utterances, newest.ModelBytes));
        Assert.Equal(PublishedModel.Sha256Of(Model("second")), newest.Sha256);
        Assert.Equal(Model("second"), await store.ReadModelAsync(newest.Version, default));
        Assert.Equal(otherRelease, await store.NewestAsync(OtherRelease, default));
        Assert.Null(await store.NewestAsync("a-release-never-published", default));
        Assert.Null(await store.ReadModelAsync(otherRelease.Version + 1, default));
    }

    [Fact]
    public async Task Replicas_of_a_new_release_publishing_their_first_model_at_once_insert_one_row_and_all_get_it()
    {
        // Each replica its own data source (its own pool), as separate processes have.
        var replicas = Enumerable.Range(0, 4).Select(_ => new PostgreSqlModelStore(_database!.Open())).ToList();

        var published = await Task.WhenAll(replicas.Select((store, i) =>
            Task.Run(() => store.PublishFirstAsync(Model($"trained by replica {i}"), ThisRelease, 1200, $"replica-{i}", default))));

        Assert.Single(published.Distinct());
        Assert.Equal(1L, await CountAsync(ThisRelease));
        var winner = published[0];
        Assert.Equal(winner, await replicas[0].NewestAsync(ThisRelease, default));
        Assert.Equal(winner.Sha256, PublishedModel.Sha256Of((await replicas[3].ReadModelAsync(winner.Version, default))!));
    }

    [Fact]
    public async Task A_first_publication_when_the_release_has_a_model_inserts_nothing_and_returns_the_newest()
    {
        var store = new PostgreSqlModelStore(_database!.Open());
        await store.PublishAsync(Model("earlier"), ThisRelease, 1200, "replica-a", default);
        var retrained = await store.PublishAsync(Model("retrained"), ThisRelease, 1203, "replica-a", default);
        await store.PublishAsync(Model("other release"), OtherRelease, 900, "old-replica", default);

        var first = await store.PublishFirstAsync(Model("late starter"), ThisRelease, 1200, "replica-c", default);

        Assert.Equal(retrained, first);
        Assert.Equal(2L, await CountAsync(ThisRelease));
    }

    [Fact]
    public async Task A_publication_is_announced_to_listening_replicas_with_its_version()
    {
        var database = _database!.Open();
        await using var listener = await database.OpenConnectionAsync(default);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => heard.TrySetResult(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgreSqlModelStore.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var waiting = listener.WaitAsync(patience.Token);
        var published = await new PostgreSqlModelStore(database).PublishAsync(Model("retrained"), ThisRelease, 1203, "replica-a", default);
        await waiting;
        var payload = await heard.Task.WaitAsync(patience.Token);

        Assert.Equal(published.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), payload);
    }

    private static byte[] Model(string content) => Encoding.UTF8.GetBytes($"PK model bytes: {content}");

    private async Task<long> CountAsync(string trainingData)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM intent_models WHERE training_data = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = trainingData });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
