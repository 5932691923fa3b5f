using Microsoft.Bot.Builder;
using SupportBot.Bot.Dialogs;

namespace SupportBot.Bot.Conversation;

/// <summary>The turn and the dialog stack together: what a dialog uses to reply, start another dialog or end.</summary>
public sealed class DialogTurn(ITurnContext turn, SupportDialogState state, IReadOnlyDictionary<string, IDialog> dialogs)
{
    /// <summary>A dialog started from a turn that started another one too deep means a loop; stop it early.</summary>
    private const int MaxDepth = 8;

    public ITurnContext Turn { get; } = turn;

    /// <summary>The bot's words in the language of this turn (see <see cref="ConversationLanguage"/>).</summary>
    public BotTexts Texts => BotTexts.For(state.Language ?? Core.Text.Language.English);

    public DialogFrame? Active => state.Stack.Count > 0 ? state.Stack[^1] : null;

    public QuestionLog Log => state.Log;

    /// <summary>The conversation's open live handoff (see <see cref="SupportDialogState.HandoffId"/>).</summary>
    public string? HandoffId
    {
        get => state.HandoffId;
        set => state.HandoffId = value;
    }

    public async Task BeginAsync(string dialogId, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        if (state.Stack.Count >= MaxDepth)
        {
            throw new InvalidOperationException($"The dialog stack is {MaxDepth} deep: '{dialogId}' is not started.");
        }

        var frame = new DialogFrame { DialogId = dialogId, Values = new Dictionary<string, string>(arguments) };
        state.Stack.Add(frame);
        await Find(dialogId).BeginAsync(this, frame, cancellationToken);
    }

    /// <summary>Gives the message to the active dialog; false when there is none or the message is not for it.</summary>
    public async Task<bool> ContinueAsync(string text, CancellationToken cancellationToken)
    {
        var frame = Active;
        if (frame is null)
        {
            return false;
        }

        if (!dialogs.TryGetValue(frame.DialogId, out var dialog))
        {
            // Stored by another version of the bot: drop it rather than fail every turn.
            End(frame);
            return false;
        }

        return await dialog.ContinueAsync(this, frame, text, cancellationToken);
    }

    /// <summary>Ends a dialog (and anything it started).</summary>
    public void End(DialogFrame frame)
    {
        var index = state.Stack.IndexOf(frame);
        if (index >= 0)
        {
            state.Stack.RemoveRange(index, state.Stack.Count - index);
        }
    }

    public void CancelAll() => state.Stack.Clear();

    private IDialog Find(string dialogId) =>
        dialogs.TryGetValue(dialogId, out var dialog) ? dialog : throw new InvalidOperationException($"No dialog '{dialogId}'.");
}
