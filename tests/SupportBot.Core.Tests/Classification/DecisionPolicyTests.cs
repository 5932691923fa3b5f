using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Classification;

public sealed class DecisionPolicyTests
{
    private static readonly KnowledgeBase Kb = new(
        [Entry("logout"), Entry("redirect"), Entry("keyhash")],
        [new SmallTalkIntent(Intents.Greeting, "Hi")]);

    private readonly DecisionPolicy _policy = new(Options.Create(new DecisionOptions()), Kb);

    [Fact]
    public void A_confident_clear_winner_is_answered()
    {
        var decision = _policy.Decide(Ranking(("logout", 0.8f), ("redirect", 0.1f), (Intents.OutOfScope, 0.1f)));

        Assert.Equal(DecisionKind.Answer, decision.Kind);
        Assert.Equal("logout", decision.Intent);
    }

    [Fact]
    public void A_close_call_between_entries_asks_which_one_was_meant()
    {
        var decision = _policy.Decide(Ranking(("logout", 0.45f), ("redirect", 0.40f), ("keyhash", 0.1f), (Intents.OutOfScope, 0.05f)));

        Assert.Equal(DecisionKind.Clarify, decision.Kind);
        Assert.Equal(["logout", "redirect", "keyhash"], decision.Candidates.Select(c => c.Intent));
    }

    [Fact]
    public void Unlikely_runners_up_are_not_offered()
    {
        var decision = _policy.Decide(Ranking(("logout", 0.35f), ("redirect", 0.3f), ("keyhash", 0.01f), (Intents.OutOfScope, 0.34f)));

        Assert.Equal(["logout", "redirect"], decision.Candidates.Select(c => c.Intent));
    }

    [Fact]
    public void Out_of_scope_on_top_falls_back()
    {
        var decision = _policy.Decide(Ranking((Intents.OutOfScope, 0.5f), ("logout", 0.45f), ("redirect", 0.05f)));

        Assert.Equal(DecisionKind.Fallback, decision.Kind);
        Assert.Null(decision.Intent);
    }

    [Fact]
    public void A_flat_ranking_falls_back_instead_of_guessing()
    {
        var decision = _policy.Decide(Ranking(("logout", 0.15f), ("redirect", 0.15f), ("keyhash", 0.14f), (Intents.Greeting, 0.14f), (Intents.OutOfScope, 0.12f)));

        Assert.Equal(DecisionKind.Fallback, decision.Kind);
    }

    [Fact]
    public void Confident_small_talk_is_small_talk()
    {
        var decision = _policy.Decide(Ranking((Intents.Greeting, 0.9f), ("logout", 0.05f), (Intents.OutOfScope, 0.05f)));

        Assert.Equal(DecisionKind.SmallTalk, decision.Kind);
        Assert.Equal(Intents.Greeting, decision.Intent);
    }

    [Fact]
    public void Thresholds_come_from_options()
    {
        var strict = new DecisionPolicy(Options.Create(new DecisionOptions { AnswerThreshold = 0.9f }), Kb);

        Assert.Equal(DecisionKind.Clarify, strict.Decide(Ranking(("logout", 0.8f), ("redirect", 0.1f), (Intents.OutOfScope, 0.1f))).Kind);
    }

    [Fact]
    public void A_canonical_question_answers_its_entry_whatever_the_ranking_says()
    {
        var ranking = RankingOf("keyhash", (Intents.OutOfScope, 0.9f), ("logout", 0.06f), ("keyhash", 0.04f));

        var decision = _policy.DecideQuestion(ranking);

        Assert.Equal((DecisionKind.Answer, "keyhash", 0.04f), (decision.Kind, decision.Intent, decision.Candidates[0].Probability));
        Assert.Equal(DecisionKind.Fallback, _policy.Decide(ranking).Kind);
    }

    [Fact]
    public void Any_other_question_is_decided_by_its_ranking()
    {
        var ranking = RankingOf("keyhash please", ("logout", 0.45f), ("redirect", 0.40f), ("keyhash", 0.1f), (Intents.OutOfScope, 0.05f));

        var byRanking = _policy.Decide(ranking);
        var asQuestion = _policy.DecideQuestion(ranking);

        Assert.Equal((DecisionKind.Clarify, DecisionKind.Clarify), (byRanking.Kind, asQuestion.Kind));
        Assert.Equal(byRanking.Candidates, asQuestion.Candidates);
    }

    [Fact]
    public void Alternatives_are_the_likely_runners_up_then_the_related_entries_then_the_rest()
    {
        var related = new FaqEntry("logout", "Kakao Login", "logout", "answer", ["keyhash"], new Dictionary<string, string>());
        var ranking = Ranking(("logout", 0.8f), ("redirect", 0.06f), ("token", 0.05f), ("keyhash", 0.01f), (Intents.Greeting, 0.08f));
        var kb = new KnowledgeBase([related, Entry("redirect"), Entry("keyhash"), Entry("token"), Entry("unlink")], []);
        var policy = new DecisionPolicy(Options.Create(new DecisionOptions()), kb);
        var pickier = new DecisionPolicy(Options.Create(new DecisionOptions { AlternativeThreshold = 0.055f }), kb);

        Assert.Equal(["redirect", "token", "keyhash"], policy.Alternatives(related, ranking, 3));
        Assert.Equal(["redirect", "keyhash", "token"], pickier.Alternatives(related, ranking, 3));
    }

    private static IntentRanking Ranking(params (string Intent, float P)[] scores) => RankingOf("text", scores);

    private static IntentRanking RankingOf(string text, params (string Intent, float P)[] scores) =>
        new(text, scores.OrderByDescending(s => s.P).Select(s => new IntentProbability(s.Intent, s.P)).ToList());

    private static FaqEntry Entry(string id) => new(id, "Kakao Login", id, "answer", [], new Dictionary<string, string>());
}
