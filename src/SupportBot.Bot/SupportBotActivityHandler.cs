using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Insights;
using SupportBot.Core.Text;

namespace SupportBot.Bot;

/// <summary>
/// The SupportBot: welcomes users, handles the commands that work anywhere ("help", "cancel"),
/// gives each message to the active dialog or routes it as a new question, and saves state once per turn.
/// </summary>
public sealed class SupportBotActivityHandler(
    ConversationState conversationState,
    UserState userState,
    IEnumerable<IDialog> dialogs,
    QuestionRouter router,
    Replies replies,
    IQuestionInsights insights,
    TimeProvider time,
    ILogger<SupportBotActivityHandler> logger) : ActivityHandler
{
    private static readonly HashSet<string> CancelCommands = new(StringComparer.Ordinal) { "cancel", "start over", "restart", "reset", "quit", "stop" };
    private static readonly HashSet<string> HelpCommands = new(StringComparer.Ordinal) { "help", "menu" };

    private readonly IStatePropertyAccessor<DialogState> _dialogState = conversationState.CreateProperty<DialogState>(nameof(DialogState));
    private readonly Dictionary<string, IDialog> _dialogs = dialogs.ToDictionary(d => d.Id, StringComparer.Ordinal);

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, force: false, cancellationToken);
        await userState.SaveChangesAsync(turnContext, force: false, cancellationToken);
    }

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        foreach (var member in membersAdded.Where(m => m.Id != turnContext.Activity.Recipient?.Id))
        {
            await turnContext.SendActivityAsync(replies.Welcome(), cancellationToken);
        }
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var text = turnContext.Activity.Text?.Trim() ?? string.Empty;
        var command = TextNormalizer.Normalize(text);
        if (command.Length == 0)
        {
            var hasAttachments = turnContext.Activity.Attachments?.Count > 0;
            await turnContext.SendActivityAsync(Replies.Markdown(hasAttachments ? BotTexts.NonText : BotTexts.Empty), cancellationToken);
            return;
        }

        var state = await _dialogState.GetAsync(turnContext, () => new DialogState(), cancellationToken);
        var dialogs = new DialogContext(turnContext, state, _dialogs);
        await HandleMessageAsync(dialogs, text, command, cancellationToken);
        await SaveInsightsAsync(turnContext, state.Log, cancellationToken);
    }

    private async Task HandleMessageAsync(DialogContext dialogs, string text, string command, CancellationToken cancellationToken)
    {
        var turnContext = dialogs.Turn;
        if (CancelCommands.Contains(command))
        {
            dialogs.CancelAll();
            await turnContext.SendActivityAsync(replies.WithTopics(BotTexts.Cancelled), cancellationToken);
            return;
        }

        if (HelpCommands.Contains(command))
        {
            dialogs.CancelAll();
            await turnContext.SendActivityAsync(replies.Help(), cancellationToken);
            return;
        }

        if (await dialogs.ContinueAsync(text, cancellationToken))
        {
            return;
        }

        await router.RouteAsync(dialogs, text, cancellationToken);
    }

    /// <summary>
    /// Saves what this turn asked or changed, after the replies are sent. The insights are for the
    /// dashboard, not the user: a failure to save them is logged, never the user's problem.
    /// </summary>
    private async Task SaveInsightsAsync(ITurnContext turnContext, ConversationLog log, CancellationToken cancellationToken)
    {
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
            string.IsNullOrWhiteSpace(activity.Locale) ? null : activity.Locale,
            q.Outcome,
            q.EntryId,
            q.Score,
            q.ClosestEntryId,
            q.Feedback switch
            {
                ConversationLog.Helped => QuestionFeedback.Helpful,
                ConversationLog.NotHelpedFeedback => QuestionFeedback.Unhelpful,
                _ => null,
            })).ToList();
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
