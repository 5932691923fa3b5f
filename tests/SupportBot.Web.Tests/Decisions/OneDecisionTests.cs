using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Insights;
using SupportBot.Cli.Tests;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Tests.Decisions;

/// <summary>
/// One decision everywhere: the bot, <c>POST /api/v1/answers</c> and <c>supportbot ask</c> give the
/// same outcome (and the same answered entry) for the same text, with the same
/// <c>Classifier:Decision</c> settings, from the host's configuration or the environment.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class OneDecisionTests(TrainedModelFixture model)
{
    private const string AnswerThresholdKey = "Classifier:Decision:AnswerThreshold";

    private static readonly KnowledgeBase Kb = TrainingDataLoader.LoadKnowledgeBase(SupportBotProcess.RepositoryData);

    /// <summary>Every canonical FAQ question (a button sends one), then paraphrases, an ambiguous question, out-of-scope questions, small talk and Korean.</summary>
    private static readonly string[] Texts =
    [
        .. Kb.Entries.Select(e => e.Question),
        "keyhash mismatch android",
        "consent items",
        "user info missing",
        "retry login",
        "how do I cook pasta",
        "what is the weather tomorrow",
        "hello",
        "thank you",
        "카카오 로그인 키해시 오류",
        "카카오페이 결제 연동 어떻게 해요",
        "안녕하세요",
    ];

    [Fact]
    public async Task The_bot_the_answers_api_and_the_cli_decide_every_text_alike()
    {
        using var host = new SupportBotFactory(model);

        var decided = await DecideEverywhereAsync(host, environment: null);

        AssertAlike(decided);
        Assert.Equal(["answer", "clarify", "fallback", "small-talk"], decided.Api.Select(o => o.Kind).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Kb.Entries.Select(e => new Outcome("answer", e.Id)), decided.Api.Take(Kb.Entries.Count));
    }

    [Fact]
    public async Task A_changed_answer_threshold_changes_the_bot_the_answers_api_and_the_cli_alike()
    {
        const string Strict = "0.95";
        using var defaults = new SupportBotFactory(model);
        var before = await AskTheApiAsync(defaults);
        using var strict = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { [AnswerThresholdKey] = Strict });

        var after = await DecideEverywhereAsync(strict, new Dictionary<string, string> { [AnswerThresholdKey.Replace(":", "__", StringComparison.Ordinal)] = Strict });

        AssertAlike(after);
        var changed = Enumerable.Range(0, Texts.Length).Where(i => before[i] != after.Api[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.Equal(("answer", "clarify"), (before[i].Kind, after.Api[i].Kind)));

        // A canonical question is answered whatever the thresholds.
        Assert.Equal(Kb.Entries.Select(e => new Outcome("answer", e.Id)), after.Api.Take(Kb.Entries.Count));
    }

    private static void AssertAlike(Decided decided)
    {
        var differ = Enumerable.Range(0, Texts.Length)
            .Where(i => decided.Bot[i] != decided.Api[i] || decided.Cli[i] != decided.Api[i])
            .Select(i => $"'{Texts[i]}': bot {decided.Bot[i]}, api {decided.Api[i]}, cli {decided.Cli[i]}")
            .ToList();
        Assert.True(differ.Count == 0, "Decided differently:\n" + string.Join('\n', differ));
    }

    private async Task<Decided> DecideEverywhereAsync(SupportBotFactory host, IReadOnlyDictionary<string, string>? environment)
    {
        var api = await AskTheApiAsync(host);
        var bot = await AskTheBotAsync(host);
        var cli = AskTheCli(environment);
        return new Decided(bot, api, cli);
    }

    private static async Task<IReadOnlyList<Outcome>> AskTheApiAsync(SupportBotFactory host)
    {
        using var client = await host.CreateReadyClientAsync();
        var outcomes = new List<Outcome>();
        foreach (var text in Texts)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/answers", new { question = text });
            response.EnsureSuccessStatusCode();
            outcomes.Add(Outcome.Of(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement));
        }

        return outcomes;
    }

    /// <summary>Each text as the first message of a conversation of its own, through the host's bot; the outcome as the bot logged it in the question insights.</summary>
    private static async Task<IReadOnlyList<Outcome>> AskTheBotAsync(SupportBotFactory host)
    {
        var conversations = new List<string>();
        foreach (var text in Texts)
        {
            var conversation = TestAdapter.CreateConversation($"one-decision-{Guid.NewGuid():N}");
            using var scope = host.Services.CreateScope();
            var bot = scope.ServiceProvider.GetRequiredService<IBot>();
            await new TestAdapter(conversation).SendTextToBotAsync(text, bot.OnTurnAsync, CancellationToken.None);
            conversations.Add(conversation.Conversation.Id);
        }

        var insights = host.Services.GetRequiredService<IQuestionInsights>();
        var asked = new Dictionary<string, AskedQuestion>(StringComparer.Ordinal);
        await foreach (var question in insights.EnumerateAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), QuestionFilter.All, 100))
        {
            asked[question.ConversationId] = question;
        }

        return conversations
            .Select(id => asked.TryGetValue(id, out var q) ? new Outcome(q.Outcome, q.Outcome == QuestionOutcomes.Answer ? q.EntryId : null) : new Outcome("not logged", null))
            .ToList();
    }

    /// <summary>All the texts on standard input of one <c>supportbot ask</c>, as a real process with the environment given.</summary>
    private IReadOnlyList<Outcome> AskTheCli(IReadOnlyDictionary<string, string>? environment)
    {
        var run = SupportBotProcess.Run(
            ["ask", "--data", model.TrainingData.Root, "--model", model.ModelPath],
            stdin: string.Join('\n', Texts) + "\n",
            environment: environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdoutLines.Select(line => Outcome.Of(JsonDocument.Parse(line).RootElement)).ToList();
    }

    private sealed record Decided(IReadOnlyList<Outcome> Bot, IReadOnlyList<Outcome> Api, IReadOnlyList<Outcome> Cli);

    /// <summary>What was decided: the outcome, and the entry when it is an answer.</summary>
    private sealed record Outcome(string Kind, string? Entry)
    {
        public static Outcome Of(JsonElement answer)
        {
            var kind = answer.GetProperty("outcome").GetString()!;
            return new Outcome(kind, kind == "answer" ? answer.GetProperty("matches")[0].GetProperty("id").GetString() : null);
        }

        public override string ToString() => Entry is null ? Kind : $"{Kind} {Entry}";
    }
}
