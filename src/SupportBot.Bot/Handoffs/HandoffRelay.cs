using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Tickets;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// The bot's side of what agents do (<see cref="IHandoffRelay"/>): each call is a proactive turn in
/// the user's conversation, <see cref="BotAdapter.ContinueConversationAsync(string, ConversationReference, BotCallbackHandler, CancellationToken)"/>
/// with the handoff's stored reference, so it runs through the adapter's middleware (one turn at a
/// time per conversation, the transcript) and reaches the user on their own channel; the
/// conversation's state is loaded and saved around it.
/// </summary>
public sealed class HandoffRelay(
    BotAdapter adapter,
    ConversationState conversationState,
    UserState userState,
    IEnumerable<IDialog> dialogs,
    IHandoffStore store,
    HandoffLog log,
    IOptions<HandoffRelayOptions> options,
    ILogger<HandoffRelay> logger) : IHandoffRelay
{
    /// <summary>The key of <c>channelData</c> that marks an activity as the agent's, with the agent's name.</summary>
    public const string AgentKey = "agent";

    private readonly IStatePropertyAccessor<SupportDialogState> _dialogState = conversationState.CreateProperty<SupportDialogState>(SupportDialogState.PropertyName);
    private readonly Dictionary<string, IDialog> _dialogs = dialogs.ToDictionary(d => d.Id, StringComparer.Ordinal);

    public Task AcceptedAsync(Handoff handoff, CancellationToken cancellationToken = default) =>
        RunAsync(handoff, nameof(AcceptedAsync), async turn =>
        {
            // Asked inside the turn, after any turn of the user's before it: a user who left the
            // queue just as the agent accepted is not told someone joined, nor put back in the handoff.
            if (await store.FindAsync(handoff.Id, cancellationToken) is not { Status: HandoffStatus.Active })
            {
                logger.LogInformation("Handoff {HandoffId} ended before the user could be told {Agent} joined", handoff.Id, handoff.Agent);
                return;
            }

            turn.HandoffId = handoff.Id;
            var joined = BotTexts.Format(turn.Texts.LiveChatAgentJoined, handoff.Agent ?? string.Empty);
            await turn.Turn.SendActivityAsync(Replies.Markdown(joined), cancellationToken);
            await turn.Turn.SendActivityAsync(HandoffStatusEvent.Create(HandoffStatusEvent.Accepted, joined), cancellationToken);
        }, cancellationToken);

    public Task SendFromAgentAsync(Handoff handoff, Activity activity, CancellationToken cancellationToken = default) =>
        RunAsync(handoff, nameof(SendFromAgentAsync), async turn =>
        {
            var agent = handoff.Agent ?? string.Empty;
            var outgoing = new Activity
            {
                Type = activity.Type == ActivityTypes.Typing ? ActivityTypes.Typing : ActivityTypes.Message,
                Text = activity.Type == ActivityTypes.Typing ? null : activity.Text,
                TextFormat = activity.TextFormat,
                Attachments = activity.Attachments,
                ChannelData = new JObject { [AgentKey] = agent },
            };

            // The channel fills From with the bot's account; the name is the agent's, the id stays
            // the bot's (channels take only the bot's id), and a new account, not the bot's shared one.
            turn.Turn.OnSendActivities((_, activities, next) =>
            {
                foreach (var sent in activities.Where(a => ReferenceEquals(a, outgoing)))
                {
                    sent.From = new ChannelAccount(sent.From?.Id, agent, RoleTypes.Bot);
                }

                return next();
            });
            var response = await turn.Turn.SendActivityAsync(outgoing, cancellationToken);
            if (outgoing.Type == ActivityTypes.Message)
            {
                outgoing.Id ??= response?.Id;
                await log.AppendFromAgentAsync(handoff.Id, outgoing, cancellationToken);
            }
        }, cancellationToken);

    public Task EndedAsync(Handoff handoff, CancellationToken cancellationToken = default) =>
        RunAsync(handoff, nameof(EndedAsync), async turn =>
        {
            turn.HandoffId = null;
            turn.CancelAll();
            var back = turn.Texts.LiveChatBackToBot;
            await turn.Turn.SendActivityAsync(Replies.Markdown(back), cancellationToken);
            await turn.BeginAsync(SatisfactionDialog.DialogId, SatisfactionDialog.Arguments(handoff.Id), cancellationToken);
            await turn.Turn.SendActivityAsync(HandoffStatusEvent.Create(HandoffStatusEvent.Completed, back), cancellationToken);
        }, cancellationToken);

    public Task TimedOutAsync(Handoff handoff, CancellationToken cancellationToken = default) =>
        RunAsync(handoff, nameof(TimedOutAsync), async turn =>
        {
            turn.HandoffId = null;
            turn.CancelAll();
            var nobody = turn.Texts.LiveChatNobodyFree;
            await turn.Turn.SendActivityAsync(Replies.Markdown(nobody), cancellationToken);
            await turn.BeginAsync(HandoffDialog.DialogId, HandoffDialog.TicketArguments(HandoffReason.Requested, askEmail: true), cancellationToken);
            await turn.Turn.SendActivityAsync(HandoffStatusEvent.Create(HandoffStatusEvent.Failed, nobody), cancellationToken);
        }, cancellationToken);

    private async Task RunAsync(Handoff handoff, string what, Func<DialogTurn, Task> action, CancellationToken cancellationToken)
    {
        var reference = JsonConvert.DeserializeObject<ConversationReference>(handoff.ConversationReference)
            ?? throw new InvalidOperationException($"Handoff {handoff.Id} has no conversation reference.");
        await adapter.ContinueConversationAsync(options.Value.AppId, reference, async (turnContext, ct) =>
        {
            await conversationState.LoadAsync(turnContext, force: true, ct);
            var state = await _dialogState.GetAsync(turnContext, () => new SupportDialogState(), ct);
            state.Language ??= handoff.Language;
            await action(new DialogTurn(turnContext, state, _dialogs));
            await conversationState.SaveChangesAsync(turnContext, force: false, ct);
            await userState.SaveChangesAsync(turnContext, force: false, ct);
        }, cancellationToken);
        logger.LogInformation(
            "Handoff {HandoffId} relayed to conversation {ConversationId} on {ChannelId}: {Relay}",
            handoff.Id, handoff.ConversationId, handoff.ChannelId, what);
    }
}

/// <summary>The bot's identity for proactive turns: <c>MicrosoftAppId</c>, empty for the Emulator and the in-process Direct Line.</summary>
public sealed class HandoffRelayOptions
{
    public string AppId { get; set; } = string.Empty;
}
