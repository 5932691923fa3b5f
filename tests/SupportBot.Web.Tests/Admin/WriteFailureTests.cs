using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Insights;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Tests.Admin;

/// <summary>
/// The dashboard's writes on a disk that refuses them (the container's read-only /app, a folder
/// the app user does not own, a full volume) answer a 503 ProblemDetails naming the setting, never
/// a 500. The refusing folder is one under a regular file, which fails for root too (tests may run
/// as root, where a chmod 555 folder is still writable).
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class WriteFailureTests(TrainedModelFixture model) : IDisposable
{
    private readonly TemporaryTrainingData _data = new(model.TrainingData);
    private readonly string _file = Path.GetTempFileName();

    public void Dispose()
    {
        _data.Dispose();
        File.Delete(_file);
    }

    private SupportBotFactory Host(string? reviewPath = null) => SupportBotFactory.WithSettings(
        model,
        new Dictionary<string, string?>(AdminSession.Settings)
        {
            ["Classifier:TrainingDataPath"] = _data.Root,
            ["Classifier:ReviewPath"] = reviewPath,
        });

    private static async Task<AdminSession> WithQuestionAsync(SupportBotFactory host)
    {
        await host.Services.GetRequiredService<IQuestionInsights>().SaveAsync(
            [new AskedQuestion("w1", "c1", DateTimeOffset.UtcNow, "KOE320 on the flurbo page", "en-US", QuestionOutcomes.Fallback, null, 0.1, "login-error-message")]);
        return await AdminSession.SignInAsync(host);
    }

    private static async Task AssertServiceUnavailableProblemAsync(HttpResponseMessage response, string setting)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(setting, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assigning_when_the_review_folder_cannot_be_created_is_a_503_problem_not_a_500()
    {
        // review/ is a file: what /app/training-data/review is to the app user in the shipped image.
        File.WriteAllText(_data.Paths.Review, "not a folder");
        await using var host = Host();
        using var session = await WithQuestionAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "w1" }, entryId = "login-error-message" });

        await AssertServiceUnavailableProblemAsync(response, "Classifier:ReviewPath");
    }

    [Fact]
    public async Task Assigning_writes_the_review_file_to_the_configured_review_path_outside_the_training_data()
    {
        var review = Directory.CreateTempSubdirectory("supportbot-web-tests-review-").FullName;
        try
        {
            await using var host = Host(review);
            using var session = await WithQuestionAsync(host);

            using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "w1" }, entryId = "login-error-message" });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("KOE320 on the flurbo page", File.ReadAllText(Path.Combine(review, ReviewFile.FileName)), StringComparison.Ordinal);
            Assert.False(Directory.Exists(_data.Paths.Review));
        }
        finally
        {
            Directory.Delete(review, recursive: true);
        }
    }

    [Fact]
    public async Task Assigning_to_an_unwritable_review_path_is_a_503_problem_naming_the_setting()
    {
        await using var host = Host(Path.Combine(_file, "review"));
        using var session = await WithQuestionAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "w1" }, entryId = "login-error-message" });

        await AssertServiceUnavailableProblemAsync(response, "Classifier:ReviewPath");
    }

    [Fact]
    public async Task Retraining_with_an_unwritable_review_path_is_refused_at_once_with_a_503_problem()
    {
        await using var host = Host(Path.Combine(_file, "review"));
        using var session = await AdminSession.SignInAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/retrain", new { });
        var status = await session.GetJsonAsync("/admin/api/retrain");

        await AssertServiceUnavailableProblemAsync(response, "Classifier:ReviewPath");
        Assert.Equal("idle", status["state"]!.GetValue<string>());
    }
}
