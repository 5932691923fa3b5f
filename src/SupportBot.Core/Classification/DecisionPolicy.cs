using Microsoft.Extensions.Options;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Classification;

/// <summary>The one decision function: ranking in, answer / clarify / small talk / fallback out.</summary>
public sealed class DecisionPolicy(IOptions<DecisionOptions> options, KnowledgeBase knowledgeBase)
{
    private readonly DecisionOptions _options = options.Value;

    public DecisionOptions Options => _options;

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

    /// <summary>Whether the entry's training utterances share enough of the question's key terms (true when the model has no index or the check is off).</summary>
    public bool SharesKeyTerms(IntentRanking ranking, string intent, Func<KeyTermIndex, float> floor) =>
        !_options.CheckKeyTerms || ranking.KeyTerms is not { } keyTerms || keyTerms.Coverage(ranking.Text, intent) >= floor(keyTerms);

    private static Decision Fallback(IntentRanking ranking) => new(DecisionKind.Fallback, [], ranking);
}
