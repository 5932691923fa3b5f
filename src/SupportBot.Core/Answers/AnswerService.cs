using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Answers;

/// <summary>Answers a question with the ranked FAQ entries and the shared decision, for the CLI and the REST API.</summary>
public sealed class AnswerService(IIntentClassifier classifier, DecisionPolicy policy, KnowledgeBase knowledgeBase)
{
    public const int MaxTop = 10;

    /// <param name="question">The question as the user wrote it.</param>
    /// <param name="top">How many FAQ entries to return, 1 to <see cref="MaxTop"/>.</param>
    /// <param name="language">
    /// The language the caller asked for (<see cref="Language.English"/> or <see cref="Language.Korean"/>),
    /// or null for the contract as it was before locales. Korean also when the question has Hangul in it.
    /// The ranking does not depend on it: the classifier chooses its model by the text itself.
    /// </param>
    public AnswerResult Ask(string? question, int top = 3, string? language = null)
    {
        var decision = policy.DecideQuestion(classifier.Rank(question));

        // The answered entry first: a canonical question is answered even when another entry ranks higher.
        var ranked = decision.Kind == DecisionKind.Answer
            ? decision.Candidates.Concat(decision.Ranking.Scores.Where(s => s.Intent != decision.Intent))
            : decision.Ranking.Scores;
        var matches = ranked
            .Select(s => (Entry: knowledgeBase.Find(s.Intent), s.Probability))
            .Where(m => m.Entry is not null)
            .Take(Math.Clamp(top, 1, MaxTop))
            .Select(m => new AnswerMatch(m.Entry!.Id, m.Entry.Question, m.Entry.Category, m.Probability, m.Entry.Answer))
            .ToList();

        var result = new AnswerResult(question ?? string.Empty, decision.Kind != DecisionKind.Fallback, OutcomeName(decision.Kind), matches);
        if (language is null)
        {
            return result;
        }

        var spoken = Language.IsKorean(question) ? Language.Korean : language;
        return result with { Locale = spoken, Notice = AnswerTexts.EnglishFaqNotice(spoken) };
    }

    public static string OutcomeName(DecisionKind kind) => kind switch
    {
        DecisionKind.Answer => "answer",
        DecisionKind.Clarify => "clarify",
        DecisionKind.SmallTalk => "small-talk",
        _ => "fallback",
    };
}
