namespace SupportBot.Core.Classification;

/// <summary>An intent and the probability the classifier gives it.</summary>
public readonly record struct IntentProbability(string Intent, float Probability);

/// <summary>Every intent ranked for one utterance, most probable first.</summary>
public sealed record IntentRanking(string Text, IReadOnlyList<IntentProbability> Scores)
{
    /// <summary>The key-term index of the model that ranked the text, for the decision's second check; null without one.</summary>
    public KeyTermIndex? KeyTerms { get; init; }

    public IntentProbability Top => Scores.Count > 0 ? Scores[0] : new IntentProbability(Core.Knowledge.Intents.OutOfScope, 1f);

    public float ProbabilityOf(string intent)
    {
        foreach (var score in Scores)
        {
            if (score.Intent == intent)
            {
                return score.Probability;
            }
        }

        return 0f;
    }
}
