using SupportBot.Bot.Conversation;
using SupportBot.Bot.Telemetry;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>"Did you mean ...?" for a close call: the top candidates as buttons and "None of these".</summary>
public sealed class ClarifyDialog(KnowledgeBase knowledgeBase, HandoffOffers handoff) : IDialog
{
    public const string DialogId = "clarify";
    public const string CandidatesKey = "candidates";
    public const string PlatformKey = "platform";

    public string Id => DialogId;

    public static Dictionary<string, string> Arguments(IEnumerable<string> candidateIds, string? platform)
    {
        var arguments = new Dictionary<string, string> { [CandidatesKey] = string.Join('\n', candidateIds) };
        if (platform is not null)
        {
            arguments[PlatformKey] = platform;
        }

        return arguments;
    }

    public Task BeginAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Clarified);
        return dialogs.Turn.SendActivityAsync(Replies.Clarify(dialogs.Texts, Candidates(frame)), cancellationToken);
    }

    public async Task<bool> ContinueAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        var candidates = Candidates(frame);
        dialogs.End(frame);

        var normalized = TextNormalizer.Normalize(text);
        if (BotTexts.IsChoice(text, t => t.NoneOfThese))
        {
            dialogs.Log.RejectedCandidates();
            await handoff.FallbackAsync(dialogs, cancellationToken);
            return true;
        }

        // The button sends the canonical question; "2" picks the second one.
        var chosen = candidates.FirstOrDefault(c => TextNormalizer.Normalize(c.Question) == normalized)
            ?? (int.TryParse(normalized, out var number) && number >= 1 && number <= candidates.Count ? candidates[number - 1] : null);
        if (chosen is null)
        {
            return false;
        }

        dialogs.Log.Picked(chosen.Id);
        var others = candidates.Where(c => c != chosen).Select(c => c.Id);
        await dialogs.BeginAsync(AnswerDialog.DialogId, AnswerDialog.Arguments(chosen.Id, others, frame.Get(PlatformKey)), cancellationToken);
        return true;
    }

    private List<FaqEntry> Candidates(DialogFrame frame) =>
        frame.GetList(CandidatesKey).Select(knowledgeBase.Find).OfType<FaqEntry>().ToList();
}
