using SupportBot.Core.Answers;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Evaluation;

/// <summary>
/// Measures rankings and decisions against labelled utterances. "In scope" means an FAQ entry or
/// a small-talk intent; out-of-scope utterances count as caught when the bot falls back on them.
/// </summary>
public static class Evaluator
{
    public static EvaluationReport Evaluate(
        string setName,
        IReadOnlyList<(LabeledUtterance Utterance, IntentRanking Ranking)> ranked,
        DecisionPolicy policy)
    {
        var rows = ranked
            .Select(r => (r.Utterance, r.Ranking, Decision: policy.Decide(r.Ranking)))
            .Select(r => (r.Utterance, r.Ranking, r.Decision, Predicted: r.Decision.Intent ?? Intents.OutOfScope))
            .ToList();

        var inScope = rows.Where(r => r.Utterance.Intent != Intents.OutOfScope).ToList();
        var outOfScope = rows.Where(r => r.Utterance.Intent == Intents.OutOfScope).ToList();
        var fellBack = rows.Where(r => r.Decision.Kind == DecisionKind.Fallback).ToList();

        double top1 = Ratio(inScope.Count(r => r.Ranking.Top.Intent == r.Utterance.Intent), inScope.Count);
        double top3 = Ratio(inScope.Count(r => r.Ranking.Scores.Take(3).Any(s => s.Intent == r.Utterance.Intent)), inScope.Count);

        var intents = rows.Select(r => r.Utterance.Intent).Distinct().Order(StringComparer.Ordinal).ToList();
        var perIntent = intents.Select(intent =>
        {
            var support = rows.Count(r => r.Utterance.Intent == intent);
            var truePositives = rows.Count(r => r.Utterance.Intent == intent && r.Predicted == intent);
            var predicted = rows.Count(r => r.Predicted == intent);
            var precision = Ratio(truePositives, predicted);
            var recall = Ratio(truePositives, support);
            var top1ForIntent = Ratio(rows.Count(r => r.Utterance.Intent == intent && r.Ranking.Top.Intent == intent), support);
            return new IntentMetrics(intent, support, precision, recall, F1(precision, recall), top1ForIntent);
        }).ToList();

        var confused = rows
            .Where(r => r.Predicted != r.Utterance.Intent)
            .GroupBy(r => (r.Utterance.Intent, r.Predicted))
            .Select(g => new ConfusedPair(g.Key.Intent, g.Key.Predicted, g.Count()))
            .OrderByDescending(p => p.Count).ThenBy(p => p.Expected, StringComparer.Ordinal).ThenBy(p => p.Predicted, StringComparer.Ordinal)
            .ToList();

        var misses = rows
            .Where(r => r.Predicted != r.Utterance.Intent)
            .Select(r => new Miss(r.Utterance.Text, r.Utterance.Intent, r.Ranking.Top.Intent, r.Ranking.Top.Probability, AnswerService.OutcomeName(r.Decision.Kind)))
            .ToList();

        return new EvaluationReport(
            setName,
            rows.Count,
            inScope.Count,
            outOfScope.Count,
            top1,
            top3,
            perIntent.Count == 0 ? 0 : perIntent.Average(m => m.F1),
            OutOfScopePrecision: Ratio(fellBack.Count(r => r.Utterance.Intent == Intents.OutOfScope), fellBack.Count),
            OutOfScopeRecall: Ratio(outOfScope.Count(r => r.Decision.Kind == DecisionKind.Fallback), outOfScope.Count),
            InScopeFallbackRate: Ratio(inScope.Count(r => r.Decision.Kind == DecisionKind.Fallback), inScope.Count),
            rows.GroupBy(r => AnswerService.OutcomeName(r.Decision.Kind)).ToDictionary(g => g.Key, g => g.Count()),
            perIntent,
            confused,
            misses,
            NearDomain(rows.Where(r => IsNearDomain(r.Utterance)).Select(r => r.Decision.Kind).ToList()));
    }

    /// <summary>An out-of-scope utterance from a near-domain file: about Kakao Developers, but not in the FAQ.</summary>
    public static bool IsNearDomain(LabeledUtterance utterance) =>
        utterance.Intent == Intents.OutOfScope && Path.GetFileName(utterance.Source).Contains(NearDomainFileMarker, StringComparison.Ordinal);

    /// <summary>The part of a file name that marks near-domain out-of-scope utterances.</summary>
    public const string NearDomainFileMarker = "near-domain";

    private static NearDomainOutcomes NearDomain(IReadOnlyList<DecisionKind> kinds) => new(
        kinds.Count,
        kinds.Count(k => k == DecisionKind.Fallback),
        kinds.Count(k => k == DecisionKind.Clarify),
        kinds.Count(k => k is DecisionKind.Answer or DecisionKind.SmallTalk));

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static double F1(double precision, double recall) =>
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
}
