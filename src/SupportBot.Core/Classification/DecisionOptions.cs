using System.ComponentModel.DataAnnotations;

namespace SupportBot.Core.Classification;

/// <summary>
/// The thresholds that turn a ranking into answer / clarify / fallback. One set, read from the
/// <c>Classifier:Decision</c> configuration section, used by the bot, the REST API and the CLI alike.
/// Defaults were chosen on cross-validated training data, never on the held-out set (docs/model.md).
/// </summary>
public sealed class DecisionOptions
{
    public const string Section = "Classifier:Decision";

    /// <summary>The top entry is answered outright at or above this probability...</summary>
    [Range(0.0, 1.0)]
    public float AnswerThreshold { get; set; } = 0.45f;

    /// <summary>...and only when it leads the runner-up entry by at least this much; otherwise the bot asks.</summary>
    [Range(0.0, 1.0)]
    public float ClarifyMargin { get; set; } = 0.15f;

    /// <summary>Below this the top entry is too unsure even to ask about: the bot falls back.</summary>
    [Range(0.0, 1.0)]
    public float ClarifyThreshold { get; set; } = 0.2f;

    /// <summary>A runner-up is offered in "Did you mean ..." only at or above this probability.</summary>
    [Range(0.0, 1.0)]
    public float CandidateThreshold { get; set; } = 0.08f;

    /// <summary>At most this many entries are offered in "Did you mean ...".</summary>
    [Range(2, 5)]
    public int MaxCandidates { get; set; } = 3;

    /// <summary>A small-talk intent needs this probability to be taken as small talk.</summary>
    [Range(0.0, 1.0)]
    public float SmallTalkThreshold { get; set; } = 0.4f;

    /// <summary>After an answer, a runner-up entry this likely is offered (on "No") before the entries related to the answer.</summary>
    [Range(0.0, 1.0)]
    public float AlternativeThreshold { get; set; } = 0.05f;

    /// <summary>
    /// Whether an answer or a "did you mean" candidate must share the question's key terms, at the
    /// floors calibrated when the model was trained (<see cref="KeyTermIndex"/>); off only to measure without it.
    /// </summary>
    public bool CheckKeyTerms { get; set; } = true;
}
