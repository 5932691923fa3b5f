namespace SupportBot.Core.Classification;

/// <summary>What to do with an utterance.</summary>
public enum DecisionKind
{
    /// <summary>Answer the top FAQ entry.</summary>
    Answer,

    /// <summary>Ask which of the top FAQ candidates was meant.</summary>
    Clarify,

    /// <summary>Reply to a small-talk intent (greeting, thanks, help, human agent, ...).</summary>
    SmallTalk,

    /// <summary>Out of scope or too unsure: say what the bot covers instead of guessing.</summary>
    Fallback,
}

/// <summary>A decision with the intents it concerns: the answer, the candidates to clarify, or the small-talk intent.</summary>
public sealed record Decision(DecisionKind Kind, IReadOnlyList<IntentProbability> Candidates, IntentRanking Ranking)
{
    /// <summary>The intent acted upon: the answered entry, the best candidate, the small-talk intent; null on fallback.</summary>
    public string? Intent => Kind == DecisionKind.Fallback || Candidates.Count == 0 ? null : Candidates[0].Intent;
}
