namespace SupportBot.Bot.Conversation;

/// <summary>The support bot's state of one conversation, kept in ConversationState between turns: the dialog stack (the last frame is the active dialog), the language, the question log and the open live handoff.</summary>
public sealed class SupportDialogState
{
    /// <summary>
    /// The state property it is kept under: the class's name before it was renamed, so the state of
    /// conversations stored earlier is found (see <see cref="Storage.StateTypeBinder"/> for the type name).
    /// </summary>
    public const string PropertyName = "DialogState";

    public List<DialogFrame> Stack { get; set; } = [];

    /// <summary>
    /// The language the bot last spoke in this conversation ("en" or "ko"; null before the first
    /// message), kept for messages that do not tell: button clicks, emails, platform names.
    /// </summary>
    public string? Language { get; set; }

    /// <summary>The conversation's questions and outcomes, for handoff; not cleared by "cancel".</summary>
    public QuestionLog Log { get; set; } = new();

    /// <summary>
    /// The conversation's waiting or active live handoff, set when it is queued and cleared when it
    /// ends: only a turn with it set asks the handoff store anything (and confirms it there).
    /// </summary>
    public string? HandoffId { get; set; }
}

/// <summary>One dialog on the stack: which dialog, the step it waits in and the values it remembers.</summary>
public sealed class DialogFrame
{
    public string DialogId { get; set; } = string.Empty;

    public string Step { get; set; } = string.Empty;

    public Dictionary<string, string> Values { get; set; } = [];

    /// <summary>How many times the dialog re-asked in its current step, so it never loops forever.</summary>
    public int Retries { get; set; }

    public string? Get(string key) => Values.GetValueOrDefault(key);

    public IReadOnlyList<string> GetList(string key) =>
        Values.TryGetValue(key, out var value) && value.Length > 0 ? value.Split('\n') : [];
}
