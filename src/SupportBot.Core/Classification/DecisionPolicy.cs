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
            return new Decision(DecisionKind.Answer, [best], ranking);
        }

        var candidates = entries
            .Take(_options.MaxCandidates)
            .Where((s, i) => i == 0 || s.Probability >= _options.CandidateThreshold)
            .ToList();
        return new Decision(DecisionKind.Clarify, candidates, ranking);
    }

    private static Decision Fallback(IntentRanking ranking) => new(DecisionKind.Fallback, [], ranking);
}
