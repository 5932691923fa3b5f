using Microsoft.Extensions.Logging;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Handoffs;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// After an agent hands the conversation back: "how was it?" with one-tap scores 1 to 5, stored with
/// the handoff. Anything else is not an answer: the dialog ends and the message is a new question.
/// </summary>
public sealed class SatisfactionDialog(IHandoffStore store, ILogger<SatisfactionDialog> logger) : IDialog
{
    public const string DialogId = "satisfaction";
    public const string HandoffKey = "handoff";

    public static readonly IReadOnlyList<string> Scores = ["1", "2", "3", "4", "5"];

    public string Id => DialogId;

    public static Dictionary<string, string> Arguments(string handoffId) => new() { [HandoffKey] = handoffId };

    public Task BeginAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken) =>
        dialogs.Turn.SendActivityAsync(Replies.WithChoices(dialogs.Texts.SatisfactionQuestion, Scores), cancellationToken);

    public async Task<bool> ContinueAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        dialogs.End(frame);
        var normalized = TextNormalizer.Normalize(text);
        var score = Scores.ToList().IndexOf(normalized) + 1;
        if (score == 0 || frame.Get(HandoffKey) is not { } handoffId)
        {
            return false;
        }

        var stored = await store.RateAsync(handoffId, score, cancellationToken);
        logger.LogInformation("Handoff {HandoffId} rated {Score} ({Stored})", handoffId, score, stored ? "stored" : "not stored: already rated or not ended");
        await dialogs.Turn.SendActivityAsync(Replies.Markdown(dialogs.Texts.SatisfactionThanks), cancellationToken);
        return true;
    }
}
