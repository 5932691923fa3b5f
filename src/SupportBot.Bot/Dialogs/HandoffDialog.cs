using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Telemetry;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// Hands the conversation to a person. When live chat is available (<see cref="LiveChatAvailability"/>)
/// it offers that first, with the expected wait (<see cref="WaitEstimate"/>); yes queues the
/// conversation (<see cref="IHandoffStore.QueueAsync"/>), tells the user their place and sends the
/// handoff event; from then on <see cref="LiveChatTurns"/> has the user's messages. No, or no live
/// chat, goes on as a ticket: it offers a ticket, asks for a contact email (re-asked once,
/// "skip" when the channel or an earlier ticket already gave one) and a one-line summary, creates
/// the ticket with the transcript and the question log, tells the ticket number, and sends the
/// Bot Framework handoff event so that a channel routing to live agents can take over. A user who
/// opened <see cref="HandoffOptions.MaxTicketsPerUser"/> tickets within the window is told the team
/// has them and when another can be opened, and no ticket is made.
/// </summary>
public sealed class HandoffDialog(
    ITicketStore tickets,
    ITranscriptStore transcripts,
    UserState userState,
    TextRedactor redactor,
    IOptions<HandoffOptions> options,
    IHandoffStore handoffs,
    LiveChatAvailability liveChat,
    TimeProvider time,
    ILogger<HandoffDialog> logger) : IDialog
{
    public const string DialogId = "handoff";
    public const string ReasonKey = "reason";

    /// <summary>How the dialog starts: absent, live chat when available else the ticket offer; <see cref="TicketMode"/> or <see cref="EmailMode"/>.</summary>
    public const string ModeKey = "mode";

    /// <summary>The ticket offer, without live chat (the user left the queue).</summary>
    public const string TicketMode = "ticket";

    /// <summary>Straight to the ticket's email question (nobody accepted the live chat in time).</summary>
    public const string EmailMode = "email";

    /// <summary>A summary is one line; a pasted log is cut here.</summary>
    public const int MaxSummaryLength = 300;

    private const string AskLiveChat = "live";
    private const string AskConfirmation = "confirm";
    private const string AskEmail = "email";
    private const string AskSummary = "summary";
    private const string EmailKey = "email";
    private const string KnownEmailKey = "known-email";
    private const int MaxEmailRetries = 1;

    private readonly IStatePropertyAccessor<ContactProfile> _contact = userState.CreateProperty<ContactProfile>(nameof(ContactProfile));

    public string Id => DialogId;

    public static Dictionary<string, string> Arguments(string reason) => new() { [ReasonKey] = reason };

    /// <summary>The ticket offer without live chat; with <paramref name="askEmail"/>, straight to the email question.</summary>
    public static Dictionary<string, string> TicketArguments(string reason, bool askEmail = false) =>
        new() { [ReasonKey] = reason, [ModeKey] = askEmail ? EmailMode : TicketMode };

    public async Task BeginAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        dialogs.Log.ResetTriggers();
        TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Handoff);
        var texts = dialogs.Texts;
        switch (frame.Get(ModeKey))
        {
            case EmailMode:
                if (!await RefuseOverLimitAsync(dialogs, frame, cancellationToken))
                {
                    await AskEmailAsync(dialogs, frame, cancellationToken);
                }

                return;
            case TicketMode:
                await OfferTicketAsync(dialogs, frame, texts.HandoffOffer, cancellationToken);
                return;
        }

        if (await OfferLiveChatAsync(dialogs, frame, cancellationToken))
        {
            return;
        }

        var offer = frame.Get(ReasonKey) switch
        {
            HandoffReason.NotHelped => texts.HandoffOfferAfterNotHelped,
            HandoffReason.Fallbacks => texts.HandoffOfferAfterFallbacks,
            _ => texts.HandoffOffer,
        };
        await OfferTicketAsync(dialogs, frame, offer, cancellationToken);
    }

    private async Task OfferTicketAsync(DialogTurn dialogs, DialogFrame frame, string offer, CancellationToken cancellationToken)
    {
        if (await RefuseOverLimitAsync(dialogs, frame, cancellationToken))
        {
            return;
        }

        frame.Step = AskConfirmation;
        await dialogs.Turn.SendActivityAsync(Replies.WithChoices(offer, [dialogs.Texts.Yes, dialogs.Texts.No]), cancellationToken);
    }

    /// <summary>Offers live chat with the expected wait when an agent is online (within office hours); false when not.</summary>
    private async Task<bool> OfferLiveChatAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        var agents = await liveChat.OnlineAgentsAsync(cancellationToken);
        if (agents == 0)
        {
            return false;
        }

        var texts = dialogs.Texts;
        var minutes = await WaitEstimate.MinutesAsync(handoffs, agents, time.GetUtcNow(), cancellationToken);
        var sorry = frame.Get(ReasonKey) switch
        {
            HandoffReason.NotHelped => texts.LiveChatSorryNotHelped + " ",
            HandoffReason.Fallbacks => texts.LiveChatSorryFallbacks + " ",
            _ => string.Empty,
        };
        var wait = minutes is { } m ? BotTexts.Format(texts.LiveChatWait, m) : texts.LiveChatWaitUnknown;
        frame.Step = AskLiveChat;
        await dialogs.Turn.SendActivityAsync(
            Replies.WithChoices($"{sorry}{BotTexts.Format(texts.LiveChatOffer, wait)}", [texts.Yes, texts.No]), cancellationToken);
        return true;
    }

    public async Task<bool> ContinueAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        var handled = await (frame.Step switch
        {
            AskLiveChat => LiveChatConfirmAsync(dialogs, frame, text, cancellationToken),
            AskConfirmation => ConfirmAsync(dialogs, frame, text, cancellationToken),
            AskEmail => EmailAsync(dialogs, frame, text, cancellationToken),
            _ => SummaryAsync(dialogs, frame, text, cancellationToken),
        });

        // A message that is not an answer to the handoff's question is routed afresh and marked there.
        if (handled)
        {
            TurnOutcome.Mark(dialogs.Turn, TurnOutcome.Handoff);
        }

        return handled;
    }

    private async Task<bool> ConfirmAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        var turn = dialogs.Turn;
        switch (Confirmation.Read(text))
        {
            case true:
                await AskEmailAsync(dialogs, frame, cancellationToken);
                return true;
            case false:
                dialogs.End(frame);
                var reference = turn.Activity.Conversation?.Id ?? "unknown";
                await turn.SendActivityAsync(Replies.Markdown(BotTexts.Format(dialogs.Texts.HandoffDeclined, reference)), cancellationToken);
                return true;
            default:
                // Not an answer to the offer: the user asked something else.
                dialogs.End(frame);
                return false;
        }
    }

    private async Task AskEmailAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        var known = await KnownEmailAsync(dialogs.Turn, cancellationToken);
        if (known is not null)
        {
            frame.Values[KnownEmailKey] = known;
        }

        frame.Step = AskEmail;
        await dialogs.Turn.SendActivityAsync(EmailQuestion(dialogs.Texts, known, again: false), cancellationToken);
    }

    private async Task<bool> LiveChatConfirmAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        switch (Confirmation.Read(text))
        {
            case true:
                await QueueAsync(dialogs, frame, cancellationToken);
                return true;
            case false:
                // No live chat: the ticket, as when no agent is online.
                await OfferTicketAsync(dialogs, frame, dialogs.Texts.HandoffOffer, cancellationToken);
                return true;
            default:
                dialogs.End(frame);
                return false;
        }
    }

    /// <summary>Queues the conversation for an agent, tells the user their place, and sends the handoff event.</summary>
    private async Task QueueAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        dialogs.End(frame);
        var turn = dialogs.Turn;
        var activity = turn.Activity;
        var handoff = await handoffs.QueueAsync(
            new NewHandoff(
                activity.ChannelId,
                activity.Conversation.Id,
                activity.From?.Id,
                activity.From?.Name,
                dialogs.Texts.Language,
                JsonConvert.SerializeObject(activity.GetConversationReference()),
                Questions(dialogs, text => redactor.Redact(text))),
            time.GetUtcNow(),
            cancellationToken);
        dialogs.HandoffId = handoff.Id;
        var place = await handoffs.PlaceAsync(handoff.Id, cancellationToken) ?? 1;
        logger.LogInformation(
            "Handoff {HandoffId} queued for conversation {ConversationId} on {ChannelId} (place {Place})",
            handoff.Id, activity.Conversation.Id, activity.ChannelId, place);

        await turn.SendActivityAsync(LiveChatTurns.Queued(dialogs.Texts, place), cancellationToken);
        var activities = await ReadTranscriptAsync(activity, cancellationToken);
        var handoffContext = new JObject
        {
            ["handoff"] = handoff.Id,
            ["reason"] = frame.Get(ReasonKey) ?? HandoffReason.Requested,
        };
        await turn.SendActivityAsync(EventFactory.CreateHandoffInitiation(turn, handoffContext, new Transcript(activities)), cancellationToken);
    }

    private static List<TicketQuestion> Questions(DialogTurn dialogs, Func<string, string> text) =>
        dialogs.Log.Questions.Select(q => new TicketQuestion(text(q.Text), q.Outcome, q.EntryId, q.Feedback)).ToList();

    private async Task<bool> EmailAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        var known = frame.Get(KnownEmailKey);
        var email = known is not null && BotTexts.IsChoice(text, t => t.Skip) ? known : ContactEmail.Normalize(text);
        if (email is null)
        {
            if (frame.Retries < MaxEmailRetries)
            {
                frame.Retries++;
                await dialogs.Turn.SendActivityAsync(EmailQuestion(dialogs.Texts, known, again: true), cancellationToken);
                return true;
            }

            dialogs.End(frame);
            await dialogs.Turn.SendActivityAsync(Replies.Markdown(dialogs.Texts.EmailGaveUp), cancellationToken);
            return true;
        }

        frame.Values[EmailKey] = email;
        frame.Step = AskSummary;
        frame.Retries = 0;
        await dialogs.Turn.SendActivityAsync(Replies.WithChoices(dialogs.Texts.SummaryQuestion, [dialogs.Texts.Skip]), cancellationToken);
        return true;
    }

    private async Task<bool> SummaryAsync(DialogTurn dialogs, DialogFrame frame, string text, CancellationToken cancellationToken)
    {
        // The ticket, its webhook and the handoff event keep the user's words as the stores do
        // (redacted with Privacy:Redact); the contact email is kept, the help desk replies to it.
        var summary = BotTexts.IsChoice(text, t => t.Skip) ? null : redactor.Redact(OneLine(text));
        var email = frame.Get(EmailKey) ?? throw new InvalidOperationException("The handoff reached the summary without an email.");

        // Asked again: the same user may have opened tickets from another conversation meanwhile.
        if (await RefuseOverLimitAsync(dialogs, frame, cancellationToken))
        {
            return true;
        }

        dialogs.End(frame);

        var turn = dialogs.Turn;
        var activity = turn.Activity;
        var activities = await ReadTranscriptAsync(activity, cancellationToken);
        var ticket = await tickets.CreateAsync(
            new NewTicket(
                email,
                summary,
                frame.Get(ReasonKey) ?? HandoffReason.Requested,
                Requester(activity),
                Questions(dialogs, q => q),
                activities.Where(a => a.Type == ActivityTypes.Message).Select(a => Line(a, activity.Recipient?.Id)).ToList()),
            cancellationToken);
        (await _contact.GetAsync(turn, () => new ContactProfile(), cancellationToken)).Email = email;
        logger.LogInformation(
            "Ticket {TicketNumber} created for conversation {ConversationId} on {ChannelId} ({Reason}, {TranscriptActivities} activities)",
            ticket.Number, activity.Conversation.Id, activity.ChannelId, ticket.Reason, activities.Count);

        await turn.SendActivityAsync(
            Replies.Markdown(BotTexts.Format(dialogs.Texts.TicketCreated, ticket.Number, email)), cancellationToken);
        var handoffContext = new JObject
        {
            ["ticket"] = ticket.Number,
            ["email"] = email,
            ["summary"] = summary,
            ["reason"] = ticket.Reason,
        };
        await turn.SendActivityAsync(EventFactory.CreateHandoffInitiation(turn, handoffContext, new Transcript(activities)), cancellationToken);
        return true;
    }

    /// <summary>Ends the handoff with the limit's message when the user already opened the most tickets the window allows.</summary>
    private async Task<bool> RefuseOverLimitAsync(DialogTurn dialogs, DialogFrame frame, CancellationToken cancellationToken)
    {
        var activity = dialogs.Turn.Activity;
        var limit = options.Value;
        var now = time.GetUtcNow();
        var requester = Requester(activity);
        var recent = await tickets.CountCreatedSinceAsync(requester, now - limit.TicketWindow, cancellationToken);
        if (recent.Count < limit.MaxTicketsPerUser)
        {
            return false;
        }

        dialogs.End(frame);
        var wait = (recent.OldestCreatedAt ?? now) + limit.TicketWindow - now;
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        logger.LogWarning(
            "Handoff refused for user {UserId} on {ChannelId}: {Tickets} tickets within {Window}",
            requester.UserId ?? requester.ConversationId, requester.ChannelId, recent.Count, limit.TicketWindow);
        await dialogs.Turn.SendActivityAsync(
            Replies.Markdown(BotTexts.Format(dialogs.Texts.TicketLimitReached, recent.Count, minutes)), cancellationToken);
        return true;
    }

    private static TicketRequester Requester(Activity activity) =>
        new(activity.ChannelId, activity.Conversation.Id, activity.From?.Id, activity.From?.Name);

    /// <summary>An email the channel gives as the user's name or id, else the one from the user's earlier ticket.</summary>
    private async Task<string?> KnownEmailAsync(ITurnContext turn, CancellationToken cancellationToken) =>
        ContactEmail.Normalize(turn.Activity.From?.Name)
        ?? ContactEmail.Normalize(turn.Activity.From?.Id)
        ?? (await _contact.GetAsync(turn, () => new ContactProfile(), cancellationToken)).Email;

    /// <summary>The conversation so far as the transcript store has it, and this turn's message (recorded only after the turn, so redacted here as the store would).</summary>
    private async Task<List<Activity>> ReadTranscriptAsync(Activity current, CancellationToken cancellationToken)
    {
        var activities = (await transcripts.ReadWholeTranscriptAsync(current.ChannelId, current.Conversation.Id, cancellationToken: cancellationToken))
            .OfType<Activity>().ToList();

        if (current.Id is null || !activities.Any(a => a.Id == current.Id))
        {
            activities.Add(redactor.Enabled ? redactor.RedactedCopy(current) : current);
        }

        return activities;
    }

    private static IMessageActivity EmailQuestion(BotTexts texts, string? known, bool again) => known is null
        ? Replies.Markdown(again ? texts.EmailAgain : texts.EmailQuestion)
        : Replies.WithChoices(BotTexts.Format(again ? texts.EmailAgainKnown : texts.EmailQuestionKnown, known), [texts.Skip]);

    // Stores that record roles say who spoke; otherwise the bot is the turn's recipient.
    private static TranscriptLine Line(Activity activity, string? botId) => new(
        activity.Timestamp ?? DateTimeOffset.UtcNow,
        activity.From?.Role ?? (activity.From?.Id is { } from && from == botId ? RoleTypes.Bot : RoleTypes.User),
        activity.From?.Name,
        !string.IsNullOrEmpty(activity.Text)
            ? activity.Text
            : string.Join(", ", activity.Attachments?.Select(a => $"[{a.ContentType}]") ?? []));

    private static string OneLine(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        return line.Length <= MaxSummaryLength ? line : string.Concat(line.AsSpan(0, MaxSummaryLength - 1).TrimEnd(), "…");
    }
}

/// <summary>What the bot remembers of a user across conversations: the email of their last ticket.</summary>
public sealed class ContactProfile
{
    public string? Email { get; set; }
}
