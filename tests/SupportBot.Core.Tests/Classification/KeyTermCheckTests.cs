using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Tests.Classification;

/// <summary>The second-stage check: an answer or a "did you mean" candidate must share the question's key terms.</summary>
public sealed class KeyTermCheckTests
{
    private static readonly KnowledgeBase Kb = new([Entry("logout"), Entry("redirect")], [new SmallTalkIntent(Intents.Greeting, "Hi")]);

    private static readonly KeyTermIndex Index = KeyTermIndex.Build(
    [
        new("cannot log out of kakao", "logout", "test"),
        new("kakao logout fails", "logout", "test"),
        new("log out button does nothing", "logout", "test"),
        new("logout not working on android", "logout", "test"),
        new("invalid redirect uri kakao", "redirect", "test"),
        new("redirect uri error on android", "redirect", "test"),
        new("redirect mismatch after login", "redirect", "test"),
        new("kakao pay refund api", Intents.OutOfScope, "test"),
        new("refund a kakao pay payment", Intents.OutOfScope, "test"),
        new("payment ready api for kakao pay", Intents.OutOfScope, "test"),
    ]);

    private readonly DecisionPolicy _policy = new(Options.Create(new DecisionOptions()), Kb);

    [Fact]
    public void A_paraphrase_that_shares_its_entrys_key_terms_is_answered()
    {
        var decision = _policy.Decide(Ranking("logout button not working", ("logout", 0.8f), ("redirect", 0.1f), (Intents.OutOfScope, 0.1f)));

        Assert.Equal(DecisionKind.Answer, decision.Kind);
    }

    [Fact]
    public void A_confident_answer_from_an_entry_that_shares_none_of_the_questions_key_terms_falls_back()
    {
        var decision = _policy.Decide(Ranking("kakao pay refund payment logout", ("logout", 0.8f), ("redirect", 0.1f), (Intents.OutOfScope, 0.1f)));

        Assert.Equal(DecisionKind.Fallback, decision.Kind);
    }

    [Fact]
    public void A_did_you_mean_whose_candidates_are_all_unrelated_is_a_fallback()
    {
        var decision = _policy.Decide(Ranking("refund payment for kakao pay order", ("logout", 0.4f), ("redirect", 0.35f), (Intents.OutOfScope, 0.25f)));

        Assert.Equal(DecisionKind.Fallback, decision.Kind);
    }

    [Fact]
    public void A_did_you_mean_offers_only_the_candidates_that_share_the_questions_key_terms()
    {
        var decision = _policy.Decide(Ranking("redirect uri mismatch", ("logout", 0.4f), ("redirect", 0.35f), (Intents.OutOfScope, 0.25f)));

        Assert.Equal(DecisionKind.Clarify, decision.Kind);
        Assert.Equal(["redirect"], decision.Candidates.Select(c => c.Intent));
    }

    [Fact]
    public void With_the_check_off_the_same_ranking_is_answered()
    {
        var policy = new DecisionPolicy(Options.Create(new DecisionOptions { CheckKeyTerms = false }), Kb);

        var decision = policy.Decide(Ranking("kakao pay refund payment logout", ("logout", 0.8f), ("redirect", 0.1f), (Intents.OutOfScope, 0.1f)));

        Assert.Equal(DecisionKind.Answer, decision.Kind);
    }

    [Fact]
    public void Terms_unknown_to_training_say_nothing_either_way() =>
        Assert.Equal(1f, Index.Coverage(TextNormalizer.Normalize("zxqv wobble"), "logout"));

    [Fact]
    public void Korean_words_give_their_syllable_pairs_so_particles_do_not_hide_the_stem() =>
        Assert.Superset(new HashSet<string>(["로그", "그아", "아웃"]), new HashSet<string>(KeyTermIndex.Terms(TextNormalizer.Normalize("로그아웃이 안 돼요"))));

    [Fact]
    public void The_index_and_its_calibrated_floors_survive_saving_and_loading()
    {
        using var stream = new MemoryStream();
        Index.Save(stream);
        stream.Position = 0;
        var loaded = KeyTermIndex.Load(stream);

        Assert.Equal(Index.AnswerFloor, loaded.AnswerFloor);
        Assert.Equal(Index.CandidateFloor, loaded.CandidateFloor);
        var question = TextNormalizer.Normalize("kakao pay refund logout");
        Assert.Equal(Index.Coverage(question, "logout"), loaded.Coverage(question, "logout"));
    }

    [Fact]
    public void The_floors_are_calibrated_on_the_entries_own_utterances_left_out()
    {
        Assert.InRange(Index.AnswerFloor, 0f, 1f);
        Assert.True(Index.CandidateFloor >= Index.AnswerFloor, "a candidate needs at least what an answer needs");
    }

    private static IntentRanking Ranking(string text, params (string Intent, float P)[] scores) =>
        new(TextNormalizer.Normalize(text), scores.OrderByDescending(s => s.P).Select(s => new IntentProbability(s.Intent, s.P)).ToList()) { KeyTerms = Index };

    private static FaqEntry Entry(string id) => new(id, "Kakao Login", id, "answer", [], new Dictionary<string, string>());
}
