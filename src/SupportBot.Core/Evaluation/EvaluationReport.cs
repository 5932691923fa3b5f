namespace SupportBot.Core.Evaluation;

/// <summary>Precision, recall and F1 of one intent, with how often it was ranked first.</summary>
public sealed record IntentMetrics(string Intent, int Support, double Precision, double Recall, double F1, double Top1Accuracy);

/// <summary>How often one intent was taken for another, on the utterances of the first.</summary>
public sealed record ConfusedPair(string Expected, string Predicted, int Count);

/// <summary>One utterance the classifier got wrong: what was expected, what it ranked first, what the bot did.</summary>
public sealed record Miss(string Text, string Expected, string RankedFirst, float Probability, string Outcome);

/// <summary>
/// What the bot did with the near-domain out-of-scope utterances (Kakao Developers questions the FAQ
/// does not answer, from files named <c>*near-domain*.yaml</c>): fallback is right, clarify and answer wrong.
/// </summary>
public sealed record NearDomainOutcomes(int Utterances, int Rejected, int Clarified, int Answered)
{
    public double RejectedShare => Utterances == 0 ? 0 : (double)Rejected / Utterances;

    public double ClarifiedShare => Utterances == 0 ? 0 : (double)Clarified / Utterances;
}

/// <summary>Every number <c>supportbot evaluate</c> reports, on one set of labelled utterances.</summary>
public sealed record EvaluationReport(
    string SetName,
    int Utterances,
    int InScope,
    int OutOfScope,
    double Top1Accuracy,
    double Top3Accuracy,
    double MacroF1,
    double OutOfScopePrecision,
    double OutOfScopeRecall,
    double InScopeFallbackRate,
    IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyList<IntentMetrics> PerIntent,
    IReadOnlyList<ConfusedPair> ConfusedPairs,
    IReadOnlyList<Miss> Misses,
    NearDomainOutcomes NearDomain);
