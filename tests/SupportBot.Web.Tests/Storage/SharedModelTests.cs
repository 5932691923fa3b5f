using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using SupportBot.Bot.Insights;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using SupportBot.Testing;
using SupportBot.Web.Classification;
using SupportBot.Web.Storage;
using SupportBot.Web.Tests.Admin;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// Replicas on PostgreSQL serve one model: each its own training data copy and model file, the
/// model travelling through the database; and the admin sign-in of one replica holds on another.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class SharedModelTests(TrainedModelFixture model) : IAsyncLifetime
{
    private static readonly string[] Unknown = RetrainTests.Unknown;

    private const string Entry = RetrainTests.Entry;

    private readonly List<IDisposable> _owned = [];
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await _database!.DisposeAsync();
    }

    [Fact]
    public async Task A_question_assigned_on_one_replica_and_retrained_on_another_is_answered_by_both_without_a_restart()
    {
        await using var replicaA = Replica(out var dataA, out var modelA);
        await using var replicaB = Replica(out var dataB, out var modelB);
        using var apiA = await replicaA.CreateReadyClientAsync();
        using var apiB = await replicaB.CreateReadyClientAsync();
        var sharedB = replicaB.Services.GetRequiredService<SharedIntentModel>();
        await Eventually.UntilAsync(() => sharedB.ServedVersion > 0, "replica B to follow the first published model");
        var firstVersion = sharedB.ServedVersion;
        Assert.Equal("fallback", (await AskAsync(apiB, Unknown[0]))["outcome"]!.GetValue<string>());

        // The assignment reaches replica B, the retraining replica A: as round robin may send them.
        var now = DateTimeOffset.UtcNow;
        await replicaB.Services.GetRequiredService<IQuestionInsights>().SaveAsync(
            Unknown.Select((text, i) => new AskedQuestion($"u{i}", "c1", now, text, null, QuestionOutcomes.Fallback, null, 0.1, Entry)).ToList());
        var cookies = new CookieContainer();
        using var onB = await AdminSession.SignInAsync(replicaB.CreateDefaultClient(new CookieContainerHandler(cookies)));
        using var onA = onB.WithClient(replicaA.CreateDefaultClient(new CookieContainerHandler(cookies)));
        using var assigned = await onB.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "u0", "u1", "u2" }, entryId = Entry });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        using var started = await onA.PostJsonAsync("/admin/api/retrain", new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonNode status = null!;
        await Eventually.UntilAsync(
            async () => (status = await onA.GetJsonAsync("/admin/api/retrain"))["state"]!.GetValue<string>() != "running",
            "the retraining to finish");
        Assert.Equal("succeeded", status["state"]!.GetValue<string>());

        JsonObject answer = null!;
        await Eventually.UntilAsync(
            async () => (answer = await AskAsync(apiB, Unknown[0]))["outcome"]!.GetValue<string>() == "answer",
            "replica B to answer with the model retrained on A");

        Assert.Equal(Entry, answer["matches"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(Entry, (await AskAsync(apiA, Unknown[0]))["matches"]![0]!["id"]!.GetValue<string>());
        var newest = await Store().NewestAsync(IntentModelFile.ShippedDataFingerprint(dataB.Paths), default);
        Assert.True(newest!.Version > firstVersion);
        Assert.Equal(newest.Version, sharedB.ServedVersion);
        Assert.Equal(newest.Sha256, Sha256(modelB));
        Assert.Equal(newest.Sha256, Sha256(modelA));
        // A learnt the assignment from the database: it was written into B's review file alone.
        Assert.All(Unknown, text => Assert.Contains(text, File.ReadAllText(ReviewFile.PathIn(dataA.Paths)), StringComparison.Ordinal));
        Assert.All(Unknown, text => Assert.Contains(text, File.ReadAllText(ReviewFile.PathIn(dataB.Paths)), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replicas_starting_on_an_empty_database_publish_one_model_and_serve_it()
    {
        await using var replicaA = Replica(out var data, out var modelA);
        await using var replicaB = Replica(out _, out var modelB);
        await Task.WhenAll(replicaA.CreateReadyClientAsync(), replicaB.CreateReadyClientAsync());
        var shared = new[] { replicaA, replicaB }.Select(r => r.Services.GetRequiredService<SharedIntentModel>()).ToList();

        await Eventually.UntilAsync(() => shared.All(s => s.ServedVersion > 0), "both replicas to serve a published model");

        await using var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM intent_models");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        var published = await Store().NewestAsync(IntentModelFile.ShippedDataFingerprint(data.Paths), default);
        Assert.All(shared, s => Assert.Equal(published!.Version, s.ServedVersion));
        Assert.Equal(published!.Sha256, PublishedModel.Sha256Of(File.ReadAllBytes(modelA)));
        Assert.Equal(published.Sha256, PublishedModel.Sha256Of(File.ReadAllBytes(modelB)));
    }

    [Fact]
    public async Task A_newer_model_is_put_in_service_and_a_corrupt_or_unloadable_one_is_ignored_keeping_the_current()
    {
        await using var replica = Replica(out var data, out var modelPath);
        using var api = await replica.CreateReadyClientAsync();
        var shared = replica.Services.GetRequiredService<SharedIntentModel>();
        var classifier = replica.Services.GetRequiredService<ReloadingIntentClassifier>();
        await Eventually.UntilAsync(() => shared.ServedVersion > 0, "the replica to publish its model");
        var served = (shared.ServedVersion, classifier.Version, Sha256(modelPath));
        var fingerprint = IntentModelFile.ShippedDataFingerprint(data.Paths);
        var store = Store();

        // Bytes that do not match their SHA-256 (damaged in storage), then bytes that are no model.
        var sound = ResavedModel();
        var damaged = sound.ToArray();
        damaged[100] ^= 0xFF;
        await using (var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString))
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO intent_models (training_data, sha256, model_bytes, utterances, published_by, model) VALUES ($1, $2, $3, 1, 'elsewhere', $4)"))
        {
            foreach (var value in new object[] { fingerprint, PublishedModel.Sha256Of(sound), damaged.Length, damaged })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await insert.ExecuteNonQueryAsync();
        }

        await shared.SyncAsync(default);
        var afterDamaged = (shared.ServedVersion, classifier.Version, Sha256(modelPath));
        await store.PublishAsync("not a zip at all"u8.ToArray(), fingerprint, 1, "elsewhere", default);
        await shared.SyncAsync(default);
        var afterUnloadable = (shared.ServedVersion, classifier.Version, Sha256(modelPath));
        var answeredMeanwhile = await AskAsync(api, "keyhash mismatch android");

        var published = await store.PublishAsync(sound, fingerprint, 1, "elsewhere", default);
        await Eventually.UntilAsync(() => shared.ServedVersion == published.Version, "the sound newer model to be put in service");

        Assert.Equal(served, afterDamaged);
        Assert.Equal(served, afterUnloadable);
        Assert.Equal("answer", answeredMeanwhile["outcome"]!.GetValue<string>());
        Assert.Equal(served.Item2 + 1, classifier.Version);
        Assert.Equal(published.Sha256, Sha256(modelPath));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(modelPath)!, "*.download"));
        Assert.Equal("answer", (await AskAsync(api, "keyhash mismatch android"))["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_replica_starting_while_the_database_is_down_serves_its_local_model_and_publishes_it_once_the_database_is_back()
    {
        var server = await PostgreSqlServer.StartOwnAsync();
        try
        {
            await server.StopServerAsync();
            await using var replica = Replica(out var data, out var modelPath, new NpgsqlConnectionStringBuilder(server.ConnectionString("postgres")) { Timeout = 2 }.ToString());
            using var api = replica.CreateClient();
            var shared = replica.Services.GetRequiredService<SharedIntentModel>();

            var whileDown = await AskAsync(api, "keyhash mismatch android");
            await server.StartServerAsync();
            await Eventually.UntilAsync(() => shared.ServedVersion > 0, "the local model to be published once the database is back");

            Assert.Equal("answer", whileDown["outcome"]!.GetValue<string>());
            await using var database = new PostgreSqlDatabase(server.ConnectionString("postgres"));
            var published = await new PostgreSqlModelStore(database).NewestAsync(
                IntentModelFile.ShippedDataFingerprint(data.Paths), default);
            Assert.Equal((published!.Version, published.Sha256), (shared.ServedVersion, Sha256(modelPath)));
        }
        finally
        {
            server.StopOwn();
        }
    }

    [Fact]
    public async Task An_admin_signed_in_on_one_replica_uses_the_dashboard_on_the_other()
    {
        await using var replicaA = Replica(out _, out _);
        await using var replicaB = Replica(out _, out _);
        using var readyA = await replicaA.CreateReadyClientAsync();
        using var readyB = await replicaB.CreateReadyClientAsync();
        var now = DateTimeOffset.UtcNow;
        await replicaA.Services.GetRequiredService<IQuestionInsights>().SaveAsync(
            [new AskedQuestion("q1", "c1", now, Unknown[0], null, QuestionOutcomes.Fallback, null, 0.1, Entry)]);
        var cookies = new CookieContainer();

        using var onA = await AdminSession.SignInAsync(replicaA.CreateDefaultClient(new CookieContainerHandler(cookies)));
        using var onB = onA.WithClient(replicaB.CreateDefaultClient(new CookieContainerHandler(cookies)));
        var stats = await onB.GetJsonAsync("/admin/api/stats");
        using var assigned = await onB.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "q1" }, entryId = Entry });
        using var withoutToken = await onB.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "q1" }, entryId = Entry }, withToken: false);

        Assert.NotNull(stats);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.All(
            new[] { replicaA, replicaB },
            r => Assert.IsType<PostgreSqlXmlRepository>(r.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository));
        await using var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString);
        await using var keys = dataSource.CreateCommand("SELECT count(*) FROM data_protection_keys");
        Assert.True((long)(await keys.ExecuteScalarAsync())! >= 1);
    }

    private SupportBotFactory Replica(out TemporaryTrainingData data, out string modelPath, string? connectionString = null)
    {
        data = new TemporaryTrainingData(model.TrainingData);
        _owned.Add(data);
        var folder = new TemporaryFolder("supportbot-web-tests-replica-model-");
        _owned.Add(folder);
        modelPath = Path.Combine(folder.Path, IntentModelFile.DefaultFileName);
        File.Copy(model.ModelPath, modelPath);
        return SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(AdminSession.Settings)
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = connectionString ?? _database!.ConnectionString,
            ["Classifier:TrainingDataPath"] = data.Root,
            ["Classifier:ModelPath"] = modelPath,
        });
    }

    private static string Sha256(string path) => PublishedModel.Sha256Of(File.ReadAllBytes(path));

    private PostgreSqlModelStore Store() => new(_database!.Open());

    /// <summary>The test's model saved again: the same classifier, other bytes (another SHA-256).</summary>
    private byte[] ResavedModel()
    {
        using var folder = new TemporaryFolder("supportbot-web-tests-resaved-");
        var path = Path.Combine(folder.Path, IntentModelFile.DefaultFileName);
        IntentClassifier.Load(model.ModelPath).Save(path);
        return File.ReadAllBytes(path);
    }

    private static async Task<JsonObject> AskAsync(HttpClient client, string question)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/answers", new { question });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private sealed class TemporaryFolder(string prefix) : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
