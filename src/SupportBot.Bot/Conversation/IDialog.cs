namespace SupportBot.Bot.Conversation;

/// <summary>
/// A multi-turn dialog. It starts from arguments, then gets each following message while it is on
/// top of the stack, until it ends itself or says the message is not for it.
/// </summary>
public interface IDialog
{
    string Id { get; }

    Task BeginAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken);

    /// <summary>Handles a message; returns false when the message is something else (a new question), after ending itself.</summary>
    Task<bool> ContinueAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken);
}
