using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Core.Knowledge;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Admin;

/// <summary>The dashboard's numbers and review list from a seeded set of questions, and assigning questions to entries.</summary>
[Collection(WebHostCollection.Name)]
public sealed class DashboardApiTests(TrainedModelFixture model) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly TemporaryTrainingData _data = new(model.TrainingData);

    public void Dispose() => _data.Dispose();

    private SupportBotFactory Host() => SupportBotFactory.WithSettings(
        model,
        new Dictionary<string, string?>(AdminSession.Settings) { ["Classifier:TrainingDataPath"] = _data.Root },
        services: s => s.AddSingleton<TimeProvider>(_time));

    private static AskedQuestion Asked(string id, string conversation, int daysAgo, string text, string outcome, string? entry = null, string? feedback = null, string? closest = null) =>
        new(id, conversation, Now.AddDays(-daysAgo), text, "en-US", outcome, entry, 0.5, closest ?? entry, feedback);

    /// <summary>Three days of questions in three conversations.</summary>
    private static readonly AskedQuestion[] Seeded =
    [
        Asked("q1", "c1", 2, "keyhash mismatch android", QuestionOutcomes.Answer, "android-keyhash-mismatch", QuestionFeedback.Helpful),
        Asked("q2", "c1", 2, "hello", QuestionOutcomes.SmallTalk),
        Asked("q3", "c2", 1, "android key hash error", QuestionOutcomes.Answer, "android-keyhash-mismatch", QuestionFeedback.Unhelpful),
        Asked("q4", "c2", 1, "redirect uri is wrong", QuestionOutcomes.Clarify, "invalid-redirect-error"),
        Asked("q5", "c3", 0, "KOE320 on the flurbo page", QuestionOutcomes.Fallback, closest: "login-error-message"),
        Asked("q6", "c3", 0, "koe320 on flurbo page again", QuestionOutcomes.Fallback, closest: "login-error-message"),
        Asked("q7", "c3", 0, "talk to a person", QuestionOutcomes.Handoff),
        Asked("q8", "c3", 40, "an old question outside the window", QuestionOutcomes.Fallback),
    ];

    private async Task<AdminSession> SeededSessionAsync(SupportBotFactory host)
    {
        await host.Services.GetRequiredService<IQuestionInsights>().SaveAsync(Seeded);
        return await AdminSession.SignInAsync(host);
    }

    [Fact]
    public async Task Stats_count_questions_and_conversations_per_day_with_outcome_rates_the_helpful_rate_and_top_entries()
    {
        await using var host = Host();
        using var session = await SeededSessionAsync(host);

        var stats = await session.GetJsonAsync("/admin/api/stats?days=7");

        Assert.Equal((7, 3), (stats["questions"]!.GetValue<int>(), stats["conversations"]!.GetValue<int>()));
        var days = stats["days"]!.AsArray();
        Assert.Equal(7, days.Count);
        Assert.Equal(("2025-03-08", "2025-03-14"), (days[0]!["date"]!.GetValue<string>(), days[6]!["date"]!.GetValue<string>()));
        Assert.Equal([0, 0, 0, 0, 2, 2, 3], days.Select(d => d!["questions"]!.GetValue<int>()));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], days.Select(d => d!["conversations"]!.GetValue<int>()));

        var outcomes = stats["outcomes"]!.AsArray().ToDictionary(o => o!["outcome"]!.GetValue<string>(), o => (o!["count"]!.GetValue<int>(), o["rate"]!.GetValue<double>()));
        Assert.Equal((2, 0.2857), outcomes["answer"]);
        Assert.Equal((1, 0.1429), outcomes["clarify"]);
        Assert.Equal((2, 0.2857), outcomes["fallback"]);
        Assert.Equal((1, 0.1429), outcomes["handoff"]);
        Assert.Equal((1, 0.1429), outcomes["small-talk"]);

        Assert.Equal(0.5, stats["feedback"]!["helpfulRate"]!.GetValue<double>());
        var top = stats["topEntries"]!.AsArray();
        Assert.Equal(("android-keyhash-mismatch", 2), (top[0]!["id"]!.GetValue<string>(), top[0]!["count"]!.GetValue<int>()));
        Assert.Equal(
            TrainingDataLoader.LoadKnowledgeBase(model.TrainingData).Find("android-keyhash-mismatch")!.Question,
            top[0]!["question"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stats_without_questions_have_no_helpful_rate_rather_than_a_made_up_one()
    {
        await using var host = Host();
        using var session = await AdminSession.SignInAsync(host);

        var stats = await session.GetJsonAsync("/admin/api/stats");

        Assert.Equal(14, stats["days"]!.AsArray().Count);
        Assert.Null(stats["feedback"]!["helpfulRate"]);
        Assert.Empty(stats["topEntries"]!.AsArray());
        var handoffs = stats["handoffs"]!;
        Assert.Equal((0, 0, 14), (handoffs["total"]!.GetValue<int>(), handoffs["abandoned"]!.GetValue<int>(), handoffs["days"]!.AsArray().Count));
        Assert.Equal([null, null, null], new[] { handoffs["medianWaitSeconds"], handoffs["medianHandlingSeconds"], handoffs["satisfaction"] });
    }

    [Fact]
    public async Task Stats_show_handoffs_per_day_median_wait_and_handling_abandoned_waits_and_satisfaction_over_the_window()
    {
        await using var host = Host();
        using var session = await AdminSession.SignInAsync(host);
        var store = host.Services.GetRequiredService<IHandoffStore>();
        await HandoffAsync(store, "h1", Now.AddDays(-2), acceptedAfter: 60, endedAfter: 300, HandoffEndReason.Completed, rating: 4);
        await HandoffAsync(store, "h2", Now.AddDays(-1), acceptedAfter: 120, endedAfter: 180, HandoffEndReason.Transferred, rating: 2);
        await HandoffAsync(store, "h3", Now.AddDays(-1), acceptedAfter: null, endedAfter: 30, HandoffEndReason.Cancelled, rating: null);
        await HandoffAsync(store, "h4", Now.AddHours(-1), acceptedAfter: null, endedAfter: 180, HandoffEndReason.TimedOut, rating: null);
        await HandoffAsync(store, "h5", Now.AddMinutes(-1), acceptedAfter: null, endedAfter: null, null, rating: null);
        await HandoffAsync(store, "old", Now.AddDays(-40), acceptedAfter: 10, endedAfter: 20, HandoffEndReason.Completed, rating: 1);

        var handoffs = (await session.GetJsonAsync("/admin/api/stats?days=7"))["handoffs"]!;

        Assert.Equal(5, handoffs["total"]!.GetValue<int>());
        Assert.Equal([0, 0, 0, 0, 1, 2, 2], handoffs["days"]!.AsArray().Select(d => d!["handoffs"]!.GetValue<int>()));
        Assert.Equal("2025-03-14", handoffs["days"]!.AsArray()[6]!["date"]!.GetValue<string>());
        // Waits of 60 s and 120 s; handling of 240 s and 60 s; the old handoff is outside the window.
        Assert.Equal((90.0, 150.0), (handoffs["medianWaitSeconds"]!.GetValue<double>(), handoffs["medianHandlingSeconds"]!.GetValue<double>()));
        Assert.Equal(2, handoffs["abandoned"]!.GetValue<int>());
        Assert.Equal((3.0, 2), (handoffs["satisfaction"]!.GetValue<double>(), handoffs["rated"]!.GetValue<int>()));
    }

    private static async Task HandoffAsync(
        IHandoffStore store, string conversationId, DateTimeOffset queuedAt, int? acceptedAfter, int? endedAfter, string? reason, int? rating)
    {
        var handoff = await store.QueueAsync(new NewHandoff("webchat", conversationId, "user", "User", "en", "{}", []), queuedAt);
        if (acceptedAfter is { } accepted)
        {
            await store.AcceptAsync(handoff.Id, "Minji", queuedAt.AddSeconds(accepted));
        }

        if (endedAfter is { } ended)
        {
            await store.EndAsync(handoff.Id, reason!, null, queuedAt.AddSeconds(ended));
        }

        if (rating is { } score)
        {
            await store.RateAsync(handoff.Id, score);
        }
    }

    [Theory]
    [InlineData("/admin/api/stats?days=0")]
    [InlineData("/admin/api/stats?days=91")]
    [InlineData("/admin/api/review?days=many")]
    public async Task A_window_outside_one_to_ninety_days_is_a_400_problem_naming_days(string path)
    {
        await using var host = Host();
        using var session = await AdminSession.SignInAsync(host);

        using var response = await session.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["days"]);
    }

    [Fact]
    public async Task Review_groups_the_unanswered_and_unhelpful_questions_with_the_closest_entry()
    {
        await using var host = Host();
        using var session = await SeededSessionAsync(host);

        var review = await session.GetJsonAsync("/admin/api/review?days=7");

        var groups = review["groups"]!.AsArray();
        Assert.Equal(2, groups.Count);
        Assert.Equal(["q5", "q6"], groups[0]!["questions"]!.AsArray().Select(q => q!["id"]!.GetValue<string>()));
        Assert.Equal("login-error-message", groups[0]!["closest"]!["id"]!.GetValue<string>());
        Assert.Equal(["q3"], groups[1]!["questions"]!.AsArray().Select(q => q!["id"]!.GetValue<string>()));
        Assert.Equal(TrainingDataLoader.LoadKnowledgeBase(model.TrainingData).Entries.Count, review["entries"]!.AsArray().Count);
    }

    [Fact]
    public async Task Assigning_a_group_writes_it_to_the_review_file_and_takes_it_off_the_review_list()
    {
        await using var host = Host();
        using var session = await SeededSessionAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "q5", "q6" }, entryId = "login-error-message" });
        var review = await session.GetJsonAsync("/admin/api/review?days=7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var assignment = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(Path.Combine(Path.GetFileName(_data.Root), "review", "dashboard.yaml"), assignment["reviewFile"]!.GetValue<string>());
        var trained = TrainingDataLoader.LoadTraining(_data.Paths, TrainingDataLoader.LoadKnowledgeBase(_data.Paths));
        Assert.Equal(
            ["KOE320 on the flurbo page", "koe320 on flurbo page again"],
            trained.Where(u => u.Source == "review/dashboard.yaml" && u.Intent == "login-error-message").Select(u => u.Text));
        Assert.Equal(["q3"], review["groups"]!.AsArray().SelectMany(g => g!["questions"]!.AsArray()).Select(q => q!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Marking_a_question_out_of_scope_writes_it_under_out_of_scope()
    {
        await using var host = Host();
        using var session = await SeededSessionAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "q3" }, entryId = Intents.OutOfScope });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("out-of-scope:", File.ReadAllText(ReviewFile.PathIn(_data.Paths)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assigning_a_held_out_question_is_a_409_problem_and_writes_nothing()
    {
        var heldOut = TrainingDataLoader.LoadUtterances(model.TrainingData.HeldOut, TrainingDataLoader.LoadKnowledgeBase(model.TrainingData))
            .First(u => u.Intent == "login-error-message");
        await using var host = Host();
        await host.Services.GetRequiredService<IQuestionInsights>().SaveAsync([Asked("h1", "c9", 0, heldOut.Text, QuestionOutcomes.Fallback)]);
        using var session = await AdminSession.SignInAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "h1" }, entryId = "login-error-message" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("held-out", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(ReviewFile.PathIn(_data.Paths)));
    }

    [Theory]
    [InlineData("""{"questionIds": ["q5"], "entryId": "no-such-entry"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"questionIds": [], "entryId": "login-error-message"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"entryId": "login-error-message"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"questionIds": ["nope"], "entryId": "login-error-message"}""", HttpStatusCode.NotFound)]
    public async Task A_bad_assignment_is_a_problem_and_writes_nothing(string body, HttpStatusCode status)
    {
        await using var host = Host();
        using var session = await SeededSessionAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", JsonNode.Parse(body)!);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(File.Exists(ReviewFile.PathIn(_data.Paths)));
    }

    [Fact]
    public async Task The_review_list_comes_a_page_of_at_most_100_questions_at_a_time_with_the_total()
    {
        await using var host = Host();
        var many = Enumerable.Range(0, 250)
            .Select(i => Asked($"m{i:D3}", $"c{i}", 1, $"question number {i} about KOE{i:D3}", QuestionOutcomes.Fallback, closest: "login-error-message"))
            .ToList();
        await host.Services.GetRequiredService<IQuestionInsights>().SaveAsync(many);
        using var session = await AdminSession.SignInAsync(host);

        var first = await session.GetJsonAsync("/admin/api/review?days=7");
        var third = await session.GetJsonAsync("/admin/api/review?days=7&page=3");
        var small = await session.GetJsonAsync("/admin/api/review?days=7&page=2&pageSize=10");

        static List<string> Ids(JsonNode review) =>
            review["groups"]!.AsArray().SelectMany(g => g!["questions"]!.AsArray()).Select(q => q!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal((100, 250, 1, 100), (Ids(first).Count, first["total"]!.GetValue<int>(), first["page"]!.GetValue<int>(), first["pageSize"]!.GetValue<int>()));
        Assert.Equal(many.Skip(200).Select(q => q.Id), Ids(third));
        Assert.Equal(many.Skip(10).Take(10).Select(q => q.Id), Ids(small));
    }

    [Theory]
    [InlineData("/admin/api/review?pageSize=101", "pageSize")]
    [InlineData("/admin/api/review?pageSize=0", "pageSize")]
    [InlineData("/admin/api/review?pageSize=ten", "pageSize")]
    [InlineData("/admin/api/review?page=0", "page")]
    [InlineData("/admin/api/review?page=-1", "page")]
    public async Task A_page_or_page_size_outside_its_range_is_a_400_problem_naming_it(string path, string name)
    {
        await using var host = Host();
        using var session = await AdminSession.SignInAsync(host);

        using var response = await session.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![name]);
    }

    [Fact]
    public async Task Assigning_more_than_a_page_of_questions_at_once_is_a_400_problem()
    {
        await using var host = Host();
        using var session = await SeededSessionAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/review", new { questionIds = Enumerable.Range(0, 101).Select(i => $"q{i}").ToArray(), entryId = "login-error-message" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(File.Exists(ReviewFile.PathIn(_data.Paths)));
    }

    [Fact]
    public async Task The_dashboard_has_the_store_count_and_never_reads_more_than_a_page_of_question_texts()
    {
        var reads = new ReadRecordingInsights(new MemoryQuestionInsights());
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>(AdminSession.Settings) { ["Classifier:TrainingDataPath"] = _data.Root },
            services: s => s.AddSingleton<TimeProvider>(_time).AddSingleton<IQuestionInsights>(reads));
        await reads.SaveAsync(Seeded);
        using var session = await AdminSession.SignInAsync(host);

        var stats = await session.GetJsonAsync("/admin/api/stats?days=90");
        await session.GetJsonAsync("/admin/api/review?days=90");
        using var assigned = await session.PostJsonAsync("/admin/api/review", new { questionIds = new[] { "q5" }, entryId = "login-error-message" });

        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(8, stats["questions"]!.GetValue<int>());
        Assert.Equal(1, reads.Stats);
        Assert.All(reads.PageLimits, limit => Assert.InRange(limit, 1, Web.Admin.DashboardApi.MaxPageSize));
    }

    /// <summary>A store that records what the dashboard asks of it.</summary>
    private sealed class ReadRecordingInsights(IQuestionInsights inner) : IQuestionInsights
    {
        public List<int> PageLimits { get; } = [];

        public int Stats { get; private set; }

        public Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default) => inner.SaveAsync(questions, cancellationToken);

        public Task<QuestionPage> PageAsync(QuestionQuery query, CancellationToken cancellationToken = default)
        {
            lock (PageLimits)
            {
                PageLimits.Add(query.Limit);
            }

            return inner.PageAsync(query, cancellationToken);
        }

        public Task<IReadOnlyList<AskedQuestion>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => inner.GetAsync(ids, cancellationToken);

        public Task<QuestionStats> StatsAsync(DateTimeOffset from, DateTimeOffset to, int topEntries, CancellationToken cancellationToken = default)
        {
            Stats++;
            return inner.StatsAsync(from, to, topEntries, cancellationToken);
        }

        public Task<int> ReviewAsync(IReadOnlyCollection<string> ids, string reviewedAs, CancellationToken cancellationToken = default) => inner.ReviewAsync(ids, reviewedAs, cancellationToken);
    }
}
