using SupportBot.Bot.Conversation;
using SupportBot.Bot.Telemetry;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Knowledge;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// When the bot offers a person: on request, after the second answer in a conversation that did
/// not help, and after the second question in a row it could not answer. The counts are in the
/// conversation's <see cref="QuestionLog"/>.
/// </summary>
public sealed class HandoffOffers(Replies replies)
{
    public const int FallbacksBeforeOffer = 2;
    public const int NotHelpedBeforeOffer = 2;

    public Task RequestedAsync(DialogTurn dialogs, CancellationToken cancellationToken) =>
        dialogs.BeginAsync(HandoffDialog.DialogId, HandoffDialog.Arguments(HandoffReason.Requested), cancellationToken);

    /// <summary>
    /// The fallback, or after the second in a row, the fallback's apology and the offer. A question
    /// about a Kakao area the FAQ does not cover gets that area's documentation and DevTalk instead
    /// of the general apology.
    /// </summary>
    public async Task FallbackAsync(DialogTurn dialogs, CancellationToken cancellationToken)
    {
        TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Fallback);
        var area = replies.AreaOf(dialogs.Turn.Activity.Text);
        if (dialogs.Log.ConsecutiveFallbacks < FallbacksBeforeOffer)
        {
            await dialogs.Turn.SendActivitiesAsync([.. replies.Fallback(dialogs.Texts, area)], cancellationToken);
            return;
        }

        await dialogs.Turn.SendActivityAsync(
            area is null ? Replies.Markdown(dialogs.Texts.Fallback) : Replies.AreaFallback(dialogs.Texts, area), cancellationToken);
        await dialogs.BeginAsync(HandoffDialog.DialogId, HandoffDialog.Arguments(HandoffReason.Fallbacks), cancellationToken);
    }

    /// <summary>After "No, that did not help": the next-best entries, or after the second such answer, the offer.</summary>
    public Task NotHelpedAsync(DialogTurn dialogs, IReadOnlyList<FaqEntry> alternatives, CancellationToken cancellationToken) =>
        dialogs.Log.NotHelped < NotHelpedBeforeOffer
            ? dialogs.Turn.SendActivityAsync(Replies.Alternatives(dialogs.Texts, alternatives), cancellationToken)
            : dialogs.BeginAsync(HandoffDialog.DialogId, HandoffDialog.Arguments(HandoffReason.NotHelped), cancellationToken);
}
