using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Core.Text;

namespace SupportBot.Bot;

/// <summary>
/// The SupportBot: welcomes users, handles the commands that work anywhere ("help", "cancel"),
/// gives each message to the active dialog or routes it as a new question, and saves state once per turn.
/// While the conversation has a live handoff, its messages and typing are the handoff's (<see cref="LiveChatTurns"/>).
/// </summary>
public sealed class SupportBotActivityHandler(
    ConversationState conversationState,
    UserState userState,
    IEnumerable<IDialog> dialogs,
    QuestionRouter router,
    Replies replies,
    IQuestionInsights insights,
    LiveChatTurns liveChat,
    TimeProvider time,
    ILogger<SupportBotActivityHandler> logger) : ActivityHandler
{
    private const int MaxShortReplyWords = 3;

    private static readonly HashSet<string> CancelCommands = new(StringComparer.Ordinal)
    {
        "cancel", "start over", "restart", "reset", "quit", "stop",
        "취소", "처음으로", "처음부터", "다시 시작", "그만",
    };

    private static readonly HashSet<string> HelpCommands = new(StringComparer.Ordinal) { "help", "menu", "도움말", "메뉴" };

    private readonly IStatePropertyAccessor<SupportDialogState> _dialogState = conversationState.CreateProperty<SupportDialogState>(SupportDialogState.PropertyName);
    private readonly Dictionary<string, IDialog> _dialogs = dialogs.ToDictionary(d => d.Id, StringComparer.Ordinal);

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, force: false, cancellationToken);
        await userState.SaveChangesAsync(turnContext, force: false, cancellationToken);
    }

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        // IConversationUpdateActivity does not expose the locale the Activity itself carries.
        var locale = ((ITurnContext)turnContext).Activity.Locale;
        var texts = BotTexts.For(ConversationLanguage.Choose(text: null, locale, remembered: null, answersTheBot: false));
        foreach (var member in membersAdded.Where(m => m.Id != turnContext.Activity.Recipient?.Id))
        {
            await turnContext.SendActivityAsync(replies.Welcome(texts), cancellationToken);
        }
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var text = turnContext.Activity.Text?.Trim() ?? string.Empty;
        var command = TextNormalizer.Normalize(text);
        var state = await _dialogState.GetAsync(turnContext, () => new SupportDialogState(), cancellationToken);
        state.Language = ConversationLanguage.Choose(text, turnContext.Activity.Locale, state.Language, AnswersTheBot(state, command));
        var dialogs = new DialogTurn(turnContext, state, _dialogs);
        var texts = dialogs.Texts;

        // Before anything reads the message as a command or a question: an agent may be reading it.
        if (await liveChat.TakeMessageAsync(dialogs, CancelCommands.Contains(command), cancellationToken))
        {
            return;
        }

        if (command.Length == 0)
        {
            var hasAttachments = turnContext.Activity.Attachments?.Count > 0;
            await turnContext.SendActivityAsync(Replies.Markdown(hasAttachments ? texts.NonText : texts.Empty), cancellationToken);
            return;
        }

        if (MessageLengthMiddleware.CutTo(turnContext) is { } cutTo)
        {
            await turnContext.SendActivityAsync(Replies.Markdown(BotTexts.Format(texts.MessageCut, cutTo)), cancellationToken);
        }

        await HandleMessageAsync(dialogs, text, command, cancellationToken);
        await SaveInsightsAsync(turnContext, state, cancellationToken);
    }

    private async Task HandleMessageAsync(DialogTurn dialogs, string text, string command, CancellationToken cancellationToken)
    {
        var turnContext = dialogs.Turn;
        var texts = dialogs.Texts;
        if (CancelCommands.Contains(command))
        {
            dialogs.CancelAll();
            await turnContext.SendActivityAsync(replies.WithTopics(texts, texts.Cancelled), cancellationToken);
            return;
        }

        if (HelpCommands.Contains(command))
        {
            dialogs.CancelAll();
            await turnContext.SendActivityAsync(replies.Help(texts), cancellationToken);
            return;
        }

        if (await dialogs.ContinueAsync(text, cancellationToken))
        {
            return;
        }

        await router.RouteAsync(dialogs, text, cancellationToken);
    }

    /// <summary>
    /// Whether a message without Hangul replies to the bot rather than asking something new: a
    /// button, anything the handoff asks for (an email, a summary), or a short reply to another
    /// dialog ("Android", "yes"). A longer English sentence is a new question, answered in English.
    /// </summary>
    private bool AnswersTheBot(SupportDialogState state, string normalized) =>
        normalized.Length == 0
        || router.IsChoice(normalized)
        || (state.Stack.Count > 0 && (state.Stack[^1].DialogId == HandoffDialog.DialogId || normalized.Split(' ').Length <= MaxShortReplyWords));

    /// <summary>
    /// Saves what this turn asked or changed, after the replies are sent. The insights are for the
    /// dashboard, not the user: a failure to save them is logged, never the user's problem.
    /// </summary>
    private async Task SaveInsightsAsync(ITurnContext turnContext, SupportDialogState state, CancellationToken cancellationToken)
    {
        var log = state.Log;
        if (log.Unsaved.Count == 0)
        {
            return;
        }

        var activity = turnContext.Activity;
        var now = time.GetUtcNow();
        var questions = log.Unsaved.Select(q => new AskedQuestion(
            q.Id,
            activity.Conversation?.Id ?? string.Empty,
            now,
            q.Text,
            state.Language,
            q.Outcome,
            q.EntryId,
            q.Score,
            q.ClosestEntryId,
            q.Feedback switch
            {
                QuestionLog.Helped => QuestionFeedback.Helpful,
                QuestionLog.NotHelpedFeedback => QuestionFeedback.Unhelpful,
                _ => null,
            },
            ChannelId: activity.ChannelId)).ToList();
        log.Unsaved.Clear();
        try
        {
            await insights.SaveAsync(questions, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not save {Count} question insights of {ConversationId}", questions.Count, activity.Conversation?.Id);
        }
    }

    /// <summary>The user's typing, for the agent of a live handoff; a conversation without one has nothing to do.</summary>
    protected override async Task OnTypingActivityAsync(ITurnContext<ITypingActivity> turnContext, CancellationToken cancellationToken)
    {
        SupportDialogState state;
        try
        {
            // Without a default: a conversation with no state yet gets none written for a typing indicator.
            state = await _dialogState.GetAsync(turnContext, defaultValueFactory: null, cancellationToken);
        }
        catch (MissingMemberException)
        {
            return;
        }

        if (state?.HandoffId is not null)
        {
            await liveChat.TakeTypingAsync(new DialogTurn(turnContext, state, _dialogs), cancellationToken);
        }
    }

    protected override Task OnMessageReactionActivityAsync(ITurnContext<IMessageReactionActivity> turnContext, CancellationToken cancellationToken)
    {
        // Reactions are feedback a person can read in the transcript; nothing to answer.
        logger.LogInformation("Reaction in {ConversationId}", turnContext.Activity.Conversation?.Id);
        return Task.CompletedTask;
    }

    protected override Task OnUnrecognizedActivityTypeAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        logger.LogInformation("Ignored activity type {ActivityType} in {ConversationId}", turnContext.Activity.Type, turnContext.Activity.Conversation?.Id);
        return Task.CompletedTask;
    }
}
