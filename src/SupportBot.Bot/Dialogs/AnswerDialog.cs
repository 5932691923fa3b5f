using Microsoft.Bot.Builder;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Telemetry;
using SupportBot.Core.Knowledge;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// Answers one FAQ entry: asks for the platform first when the answer depends on it and the user
/// did not say, then asks whether it helped; on "No" it offers the next-best entries and a person.
/// </summary>
public sealed class AnswerDialog(KnowledgeBase knowledgeBase, Replies replies, HandoffOffers handoff) : IDialog
{
    public const string DialogId = "answer";
    public const string EntryKey = "entry";
    public const string PlatformKey = "platform";
    public const string AlternativesKey = "alternatives";

    private const string AskPlatform = "platform";
    private const string AskFeedback = "feedback";
    private const int MaxPlatformRetries = 1;

    public string Id => DialogId;

    public static Dictionary<string, string> Arguments(string entryId, IEnumerable<string> alternatives, string? platform)
    {
        var arguments = new Dictionary<string, string> { [EntryKey] = entryId, [AlternativesKey] = string.Join('\n', alternatives) };
        if (platform is not null)
        {
            arguments[PlatformKey] = platform;
        }

        return arguments;
    }

    public async Task BeginAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        var entry = Entry(frame);
        if (entry.DependsOnPlatform && frame.Get(PlatformKey) is null)
        {
            frame.Step = AskPlatform;
            TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Clarified);
            await dialogs.Turn.SendActivityAsync(Replies.PlatformQuestion(dialogs.Texts, again: false), cancellationToken);
            return;
        }

        await AnswerAsync(dialogs, frame, entry, frame.Get(PlatformKey), cancellationToken);
    }

    public async Task<bool> ContinueAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        var entry = Entry(frame);
        if (frame.Step == AskPlatform)
        {
            var platform = Platforms.Recognize(text);
            if (platform is null && !IsShortReply(text))
            {
                // A sentence naming no platform is a new question, not an answer to ours.
                dialogs.End(frame);
                return false;
            }

            if (platform is null && frame.Retries < MaxPlatformRetries)
            {
                frame.Retries++;
                TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Clarified);
                await dialogs.Turn.SendActivityAsync(Replies.PlatformQuestion(dialogs.Texts, again: true), cancellationToken);
                return true;
            }

            // Asked twice without a platform: the whole answer beats a third question.
            await AnswerAsync(dialogs, frame, entry, platform, cancellationToken);
            return true;
        }

        switch (Confirmation.Read(text))
        {
            case true:
                dialogs.End(frame);
                dialogs.Log.Feedback(entry.Id, helped: true);
                await dialogs.Turn.SendActivityAsync(Replies.Markdown(dialogs.Texts.FeedbackThanks), cancellationToken);
                return true;
            case false:
                dialogs.End(frame);
                dialogs.Log.Feedback(entry.Id, helped: false);
                var alternatives = frame.GetList(AlternativesKey).Select(knowledgeBase.Find).OfType<FaqEntry>().ToList();
                await handoff.NotHelpedAsync(dialogs, alternatives, cancellationToken);
                return true;
            default:
                // Not an answer to "did this help?": the user asked something else.
                dialogs.End(frame);
                return false;
        }
    }

    private async Task AnswerAsync(DialogTurn dialogs, DialogFrame frame, FaqEntry entry, string? platform, CancellationToken cancellationToken)
    {
        frame.Step = AskFeedback;
        frame.Retries = 0;
        TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Answered);
        await dialogs.Turn.SendActivitiesAsync([Replies.Answer(dialogs.Texts, entry, platform), replies.Feedback(dialogs.Texts, entry)], cancellationToken);
    }

    private FaqEntry Entry(DialogFrame frame) =>
        knowledgeBase.Find(frame.Get(EntryKey) ?? string.Empty)
        ?? throw new InvalidOperationException($"The answer dialog has no known entry ('{frame.Get(EntryKey)}').");

    // A platform name, "the second one", "not sure": short. A sentence with a question in it: not.
    private static bool IsShortReply(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 3;
}
