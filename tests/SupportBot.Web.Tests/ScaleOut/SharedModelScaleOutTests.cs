using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SupportBot.Core.Classification;
using SupportBot.Testing;
using SupportBot.Web.Tests.Admin;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.HelpDesk;
using Xunit.Abstractions;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// "Retrain" on the dashboard through nginx: every replica serves the new model within seconds,
/// without a restart. Each replica has its own copy of the training data and its own model file,
/// so the model can only travel through the database.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", "ScaleOut")]
public sealed class SharedModelScaleOutTests(TrainedModelFixture model, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly List<TemporaryTrainingData> _data = [];
    private readonly List<string> _modelFolders = [];
    private ReplicasBehindNginx? _nginx;

    public async Task InitializeAsync()
    {
        var settings = new List<IReadOnlyDictionary<string, string>>();
        for (var i = 0; i < 2; i++)
        {
            var data = new TemporaryTrainingData(model.TrainingData);
            _data.Add(data);
            var folder = Directory.CreateTempSubdirectory("supportbot-scaleout-model-").FullName;
            _modelFolders.Add(folder);
            var modelPath = Path.Combine(folder, IntentModelFile.DefaultFileName);
            File.Copy(model.ModelPath, modelPath);
            settings.Add(new Dictionary<string, string>
            {
                ["Classifier:TrainingDataPath"] = data.Root,
                ["Classifier:ModelPath"] = modelPath,
            });
        }

        var shared = new Dictionary<string, string>
        {
            ["HelpDesk:AdminPassword"] = AdminSession.Password,
            ["RateLimits:HelpDeskApi:PermitLimit"] = "100000",
            ["RateLimits:BotMessages:PermitLimit"] = "100000",
            ["RateLimits:AdminSignIn:PermitLimit"] = "100000",
        };
        _nginx = await ReplicasBehindNginx.StartAsync(model, shared, settings);
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        _data.ForEach(d => d.Dispose());
        _modelFolders.ForEach(f => Directory.Delete(f, recursive: true));
    }

    [Fact]
    public async Task Retrain_through_nginx_makes_every_replica_answer_the_assigned_question_without_a_restart()
    {
        var replicas = _nginx!.Replicas;
        var pids = replicas.Select(r => r.Id).ToList();
        using var http = await _nginx.ClientAsync(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        var direct = replicas.Select(r => r.CreateClient()).ToList();
        foreach (var client in direct)
        {
            Assert.Equal("fallback", OutcomeAndEntry(await AskAsync(client)).Outcome);
        }

        // Users ask, through nginx, what no entry answers yet: the dashboard lists them for review.
        foreach (var text in RetrainTests.Unknown)
        {
            using var turn = await http.PostActivityAsync(Activities.Message("http://127.0.0.1:9", $"conv-{Guid.NewGuid():N}", text, expectReplies: true));
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
        }

        using var session = await AdminSession.SignInAsync(http);
        // The ones the bot could not answer at all (a "Did you mean" is not listed), the asked one among them.
        var listed = new Dictionary<string, string>();
        await Eventually.UntilAsync(
            async () => (listed = Listed(await session.GetJsonAsync("/admin/api/review"))).Count >= 2 && listed.ContainsValue(RetrainTests.Unknown[0]),
            "the questions to be listed for review");
        var ids = listed.Keys.ToList();
        using var assigned = await session.PostJsonAsync("/admin/api/review", new { questionIds = ids, entryId = RetrainTests.Entry });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        using var started = await session.PostJsonAsync("/admin/api/retrain", new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        // The status is the retraining replica's own: through round robin, the other says "idle".
        string state = "running";
        await Eventually.UntilAsync(
            async () => (state = (string)(await session.GetJsonAsync("/admin/api/retrain"))["state"]!) is "succeeded" or "failed",
            "the retraining to finish",
            timeout: Patience);
        Assert.Equal("succeeded", state);
        var sinceSuccess = Stopwatch.StartNew();

        var servedAt = new TimeSpan?[replicas.Count];
        await Eventually.UntilAsync(
            async () =>
            {
                for (var i = 0; i < replicas.Count; i++)
                {
                    if (servedAt[i] is null && OutcomeAndEntry(await AskAsync(direct[i])) == ("answer", RetrainTests.Entry))
                    {
                        servedAt[i] = sinceSuccess.Elapsed;
                    }
                }

                return servedAt.All(t => t is not null);
            },
            "both replicas to answer with the retrained model",
            timeout: Patience);
        var servedBefore = replicas.Select(r => Served(r, "/api/v1/answers")).ToList();
        var throughNginx = new List<(string, string?)>();
        for (var i = 0; i < 4; i++)
        {
            throughNginx.Add(OutcomeAndEntry(await AskAsync(http)));
        }

        output.WriteLine($"After Retrain succeeded, each replica answered with the new model after: {string.Join(", ", servedAt.Select(t => $"{t!.Value.TotalSeconds:F2} s"))}");
        Assert.All(throughNginx, answer => Assert.Equal(("answer", RetrainTests.Entry), answer));
        Assert.Equal(pids, replicas.Select(r => r.Id));
        Assert.All(replicas, r => Assert.False(r.HasExited));
        // nginx spread the four questions over both replicas.
        Assert.All(Enumerable.Range(0, replicas.Count), i => Assert.True(Served(replicas[i], "/api/v1/answers") > servedBefore[i]));
        direct.ForEach(c => c.Dispose());
    }

    private static async Task<JsonObject> AskAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/answers", new { question = RetrainTests.Unknown[0] });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static (string Outcome, string? Entry) OutcomeAndEntry(JsonObject answer) =>
        ((string)answer["outcome"]!, answer["matches"] is JsonArray { Count: > 0 } matches ? (string?)matches[0]!["id"] : null);

    /// <summary>The review list's questions that the test asked: id to text.</summary>
    private static Dictionary<string, string> Listed(JsonNode review) =>
        review["groups"]!.AsArray()
            .SelectMany(g => g!["questions"]!.AsArray())
            .Where(q => RetrainTests.Unknown.Contains((string)q!["text"]!))
            .ToDictionary(q => (string)q!["id"]!, q => (string)q!["text"]!);

    private static int Served(Hosting.HostProcess replica, string pathEnd) =>
        replica.Output.Count(line => line.Contains("Request starting", StringComparison.Ordinal) && line.Contains(pathEnd, StringComparison.Ordinal));
}
