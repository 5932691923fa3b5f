using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Answers;

/// <summary>Answers a question with the ranked FAQ entries and the shared decision, for the CLI and the REST API.</summary>
public sealed class AnswerService(IIntentClassifier classifier, DecisionPolicy policy, KnowledgeBase knowledgeBase)
{
    public const int MaxTop = 10;

    public AnswerResult Ask(string? question, int top = 3)
    {
        var decision = policy.Decide(classifier.Rank(question));
        var matches = decision.Ranking.Scores
            .Select(s => (Entry: knowledgeBase.Find(s.Intent), s.Probability))
            .Where(m => m.Entry is not null)
            .Take(Math.Clamp(top, 1, MaxTop))
            .Select(m => new AnswerMatch(m.Entry!.Id, m.Entry.Question, m.Entry.Category, m.Probability, m.Entry.Answer))
            .ToList();

        return new AnswerResult(question ?? string.Empty, decision.Kind != DecisionKind.Fallback, OutcomeName(decision.Kind), matches);
    }

    public static string OutcomeName(DecisionKind kind) => kind switch
    {
        DecisionKind.Answer => "answer",
        DecisionKind.Clarify => "clarify",
        DecisionKind.SmallTalk => "small-talk",
        _ => "fallback",
    };
}
