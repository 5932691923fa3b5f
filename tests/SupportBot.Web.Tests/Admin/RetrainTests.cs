using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Insights;
using SupportBot.Core.Classification;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Admin;

/// <summary>"Retrain" on the dashboard: the assigned questions are learnt and answered without a restart, with the held-out accuracy before and after.</summary>
[Collection(WebHostCollection.Name)]
public sealed class RetrainTests(TrainedModelFixture model) : IDisposable
{
    /// <summary>Words no FAQ entry has: the model in service cannot know where they belong (until they are assigned and learnt).</summary>
    internal static readonly string[] Unknown =
    [
        "zorblat quenching fails on my vextor app",
        "vextor app zorblat quenching failure",
        "zorblat quenching keeps failing in vextor",
    ];

    /// <summary>The entry the tests assign <see cref="Unknown"/> to.</summary>
    internal const string Entry = "login-error-message";

    // Training takes seconds alone, but minutes on a machine busy with other builds: patience, not a time limit.
    private static readonly TimeSpan RetrainingPatience = TimeSpan.FromMinutes(4);

    private readonly TemporaryTrainingData _data = new(model.TrainingData);
    private readonly string _modelPath = Path.Combine(Directory.CreateTempSubdirectory("supportbot-web-tests-retrain-").FullName, IntentModelFile.DefaultFileName);

    public void Dispose()
    {
        _data.Dispose();
        Directory.Delete(Path.GetDirectoryName(_modelPath)!, recursive: true);
    }

    private SupportBotFactory Host()
    {
        File.Copy(model.ModelPath, _modelPath, overwrite: true);
        return SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>(AdminSession.Settings) { ["Classifier:TrainingDataPath"] = _data.Root, ["Classifier:ModelPath"] = _modelPath });
    }

    private static async Task<JsonObject> AskAsync(HttpClient client, string question)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/answers", new { question });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Retraining_after_an_assignment_answers_the_question_next_and_reports_accuracy_before_and_after()
    {
        await using var host = Host();
        using var api = await host.CreateReadyClientAsync();
        Assert.Equal("fallback", (await AskAsync(api, Unknown[0]))["outcome"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<IQuestionInsights>().SaveAsync(
            Unknown.Select((text, i) => new AskedQuestion($"u{i}", "c1", now, text, null, QuestionOutcomes.Fallback, null, 0.1, Entry)).ToList());
        using var session = await AdminSession.SignInAsync(host);
        using var assigned = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "u0", "u1", "u2" }, entryId = Entry });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);

        using var started = await session.PostJsonAsync("/admin/api/retrain", new { });
        using var again = await session.PostJsonAsync("/admin/api/retrain", new { });
        JsonNode status = null!;
        await Eventually.UntilAsync(
            async () => (status = await session.GetJsonAsync("/admin/api/retrain"))["state"]!.GetValue<string>() != "running",
            "the retraining to finish",
            timeout: RetrainingPatience);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("succeeded", status["state"]!.GetValue<string>());
        Assert.InRange(status["accuracyBefore"]!.GetValue<double>(), 0.5, 1.0);
        Assert.InRange(status["accuracyAfter"]!.GetValue<double>(), 0.5, 1.0);
        var answer = await AskAsync(api, Unknown[0]);
        Assert.Equal(("answer", Entry), (answer["outcome"]!.GetValue<string>(), answer["matches"]![0]!["id"]!.GetValue<string>()));
        Assert.Equal(IntentModelFile.Fingerprint(_data.Paths), IntentModelFile.ReadMetrics(_modelPath)!.DataFingerprint);
    }

    [Fact]
    public async Task Retraining_on_training_data_that_breaks_the_held_out_rule_fails_with_the_reason_and_keeps_the_model()
    {
        var heldOutFile = Directory.EnumerateFiles(_data.Paths.HeldOut, "*.yaml").First(f => f.EndsWith("platform-sdk-login.yaml", StringComparison.Ordinal));
        var firstHeldOut = File.ReadLines(heldOutFile).First(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).Trim()[2..];
        Directory.CreateDirectory(_data.Paths.Review);
        var intent = File.ReadLines(heldOutFile).First(l => l.StartsWith("  ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(':')).Trim().TrimEnd(':');
        File.WriteAllText(Path.Combine(_data.Paths.Review, "by-hand.yaml"), $"intents:\n  {intent}:\n    - '{firstHeldOut.Replace("'", "''", StringComparison.Ordinal)}'\n");
        await using var host = Host();
        var modelBefore = File.GetLastWriteTimeUtc(_modelPath);
        using var session = await AdminSession.SignInAsync(host);

        using var started = await session.PostJsonAsync("/admin/api/retrain", new { });
        JsonNode status = null!;
        await Eventually.UntilAsync(
            async () => (status = await session.GetJsonAsync("/admin/api/retrain"))["state"]!.GetValue<string>() != "running",
            "the retraining to finish",
            timeout: RetrainingPatience);

        Assert.Equal("failed", status["state"]!.GetValue<string>());
        Assert.Contains("held-out utterance", status["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(modelBefore, File.GetLastWriteTimeUtc(_modelPath));
    }
}
