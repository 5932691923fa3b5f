using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Telemetry;
using SupportBot.Core.Answers;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// Decides what a new message is: a picked FAQ question or topic, a request for a person, or a
/// question for the classifier, whose ranking the shared decision policy turns into an answer,
/// a "did you mean", small talk or the fallback. The question log (conversation state, the
/// question insights, a ticket's questions) keeps the text as the redactor leaves it; the
/// classifier reads it whole.
/// </summary>
public sealed class QuestionRouter(
    KnowledgeBase knowledgeBase,
    IIntentClassifier classifier,
    DecisionPolicy policy,
    Replies replies,
    HandoffOffers handoff,
    TextRedactor redactor,
    ILogger<QuestionRouter> logger)
{
    private const int Alternatives = 3;

    /// <summary>Whether a message is one of the bot's buttons: an FAQ question, a topic or "Talk to a person".</summary>
    public bool IsChoice(string text) =>
        knowledgeBase.FindByQuestion(text) is not null || replies.FindCategory(text) is not null || BotTexts.IsChoice(text, t => t.TalkToPerson);

    public async Task RouteAsync(DialogTurn dialogs, string text, CancellationToken cancellationToken)
    {
        if (replies.FindCategory(text) is { } category)
        {
            await dialogs.Turn.SendActivityAsync(replies.Browse(dialogs.Texts, category), cancellationToken);
            return;
        }

        if (BotTexts.IsChoice(text, t => t.TalkToPerson))
        {
            dialogs.Log.Noted(redactor.Redact(text), QuestionOutcomes.Handoff);
            await handoff.RequestedAsync(dialogs, cancellationToken);
            return;
        }

        var ranking = classifier.Rank(text);
        var platform = Platforms.Recognize(text);
        var score = ranking.Top.Probability;
        var closest = ranking.Scores.Where(s => knowledgeBase.IsFaqEntry(s.Intent)).Select(s => s.Intent).FirstOrDefault();

        var decision = policy.DecideQuestion(ranking);
        logger.LogInformation(
            "Decision {Decision} for {Intent} at {Probability:F2} in {ConversationId}",
            decision.Kind, ranking.Top.Intent, ranking.Top.Probability, dialogs.Turn.Activity.Conversation?.Id);
        if (decision.Kind == DecisionKind.SmallTalk)
        {
            var outcome = decision.Intent == Intents.HumanAgent ? QuestionOutcomes.Handoff : QuestionOutcomes.SmallTalk;
            dialogs.Log.Noted(redactor.Redact(text), outcome, score, closest);
        }
        else
        {
            dialogs.Log.Asked(redactor.Redact(text), AnswerService.OutcomeName(decision.Kind), decision.Kind == DecisionKind.Answer ? decision.Intent : null, score, closest);
        }

        switch (decision.Kind)
        {
            case DecisionKind.Answer:
                await BeginAnswerAsync(dialogs, knowledgeBase.Find(decision.Intent!)!, ranking, platform, cancellationToken);
                break;
            case DecisionKind.Clarify:
                await dialogs.BeginAsync(ClarifyDialog.DialogId, ClarifyDialog.Arguments(decision.Candidates.Select(c => c.Intent), platform), cancellationToken);
                break;
            case DecisionKind.SmallTalk:
                await SmallTalkAsync(dialogs, decision.Intent!, cancellationToken);
                break;
            default:
                await handoff.FallbackAsync(dialogs, cancellationToken);
                break;
        }
    }

    private Task SmallTalkAsync(DialogTurn dialogs, string intent, CancellationToken cancellationToken) => intent switch
    {
        Intents.Help => dialogs.Turn.SendActivityAsync(replies.Help(dialogs.Texts), cancellationToken),
        Intents.HumanAgent => handoff.RequestedAsync(dialogs, cancellationToken),
        _ => SmallTalkReplyAsync(dialogs.Turn, dialogs.Texts, intent, cancellationToken),
    };

    private Task SmallTalkReplyAsync(ITurnContext turn, BotTexts texts, string intent, CancellationToken cancellationToken)
    {
        TurnOutcome.Mark(turn, TurnOutcome.SmallTalk);
        return turn.SendActivityAsync(Replies.SmallTalk(texts, knowledgeBase.FindSmallTalk(intent)!), cancellationToken);
    }

    private Task BeginAnswerAsync(DialogTurn dialogs, FaqEntry entry, IntentRanking ranking, string? platform, CancellationToken cancellationToken)
    {
        var alternatives = policy.Alternatives(entry, ranking, Alternatives);
        return dialogs.BeginAsync(AnswerDialog.DialogId, AnswerDialog.Arguments(entry.Id, alternatives, platform), cancellationToken);
    }
}
