using Microsoft.Extensions.Options;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Classification;

/// <summary>
/// The one decision function: ranking in, answer / clarify / small talk / fallback out. The bot,
/// <c>POST /api/v1/answers</c> and <c>supportbot ask</c> decide a question with <see cref="DecideQuestion"/>.
/// </summary>
public sealed class DecisionPolicy(IOptions<DecisionOptions> options, KnowledgeBase knowledgeBase)
{
    private readonly DecisionOptions _options = options.Value;

    public DecisionOptions Options => _options;

    /// <summary>
    /// What to do with a user's question: a canonical FAQ question word for word (a button sends it)
    /// answers its entry whatever the ranking says; anything else is decided by <see cref="Decide"/>.
    /// </summary>
    public Decision DecideQuestion(IntentRanking ranking) =>
        knowledgeBase.FindByQuestion(ranking.Text) is { } asked
            ? new Decision(DecisionKind.Answer, [new IntentProbability(asked.Id, ranking.ProbabilityOf(asked.Id))], ranking)
            : Decide(ranking);

    /// <summary>
    /// The ranking alone decides: what evaluation measures, where a canonical question answered by
    /// its words (the cross-validated set has them) would say nothing of the model.
    /// </summary>
    public Decision Decide(IntentRanking ranking)
    {
        var top = ranking.Top;
        if (top.Intent == Intents.OutOfScope)
        {
            return Fallback(ranking);
        }

        if (knowledgeBase.FindSmallTalk(top.Intent) is not null && top.Probability >= _options.SmallTalkThreshold)
        {
            return new Decision(DecisionKind.SmallTalk, [top], ranking);
        }

        var entries = ranking.Scores.Where(s => knowledgeBase.IsFaqEntry(s.Intent)).ToList();
        if (entries.Count == 0 || entries[0].Probability < _options.ClarifyThreshold)
        {
            return Fallback(ranking);
        }

        var best = entries[0];
        var runnerUp = entries.Count > 1 ? entries[1].Probability : 0f;
        if (best == top && best.Probability >= _options.AnswerThreshold && best.Probability - runnerUp >= _options.ClarifyMargin)
        {
            // A confident entry that shares none of what the question is about is a wrong answer.
            return SharesKeyTerms(ranking, best.Intent, k => k.AnswerFloor)
                ? new Decision(DecisionKind.Answer, [best], ranking)
                : Fallback(ranking);
        }

        // "Did you mean" offers only entries plausibly about the question; none of them is a fallback.
        var candidates = entries
            .Take(_options.MaxCandidates)
            .Where((s, i) => i == 0 || s.Probability >= _options.CandidateThreshold)
            .Where(s => SharesKeyTerms(ranking, s.Intent, k => k.CandidateFloor))
            .ToList();
        return candidates.Count == 0 ? Fallback(ranking) : new Decision(DecisionKind.Clarify, candidates, ranking);
    }

    /// <summary>
    /// The entries offered after an answer when the user says it did not help: runners-up at or above
    /// <see cref="DecisionOptions.AlternativeThreshold"/>, then the entries a person linked to the
    /// answer, then the rest of the ranking.
    /// </summary>
    public IReadOnlyList<string> Alternatives(FaqEntry answered, IntentRanking ranking, int count)
    {
        // After a confident answer the runners-up are near zero and mostly noise; the entries a
        // person linked to this one come before them.
        var ranked = ranking.Scores.Where(s => s.Intent != answered.Id && knowledgeBase.IsFaqEntry(s.Intent)).ToList();
        return ranked.Where(s => s.Probability >= _options.AlternativeThreshold).Select(s => s.Intent)
            .Concat(answered.Related)
            .Concat(ranked.Select(s => s.Intent))
            .Distinct()
            .Take(count)
            .ToList();
    }

    /// <summary>Whether the entry's training utterances share enough of the question's key terms (true when the model has no index or the check is off).</summary>
    public bool SharesKeyTerms(IntentRanking ranking, string intent, Func<KeyTermIndex, float> floor) =>
        !_options.CheckKeyTerms || ranking.KeyTerms is not { } keyTerms || keyTerms.Coverage(ranking.Text, intent) >= floor(keyTerms);

    private static Decision Fallback(IntentRanking ranking) => new(DecisionKind.Fallback, [], ranking);
}
