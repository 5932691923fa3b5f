using System.Security.Claims;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Privacy;
using MessageLengthMiddleware = SupportBot.Bot.Conversation.MessageLengthMiddleware;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>The outcome of posting an activity: its id, and whether the bot failed on it (the activity is kept either way).</summary>
public sealed record PostedActivity(string Id, bool BotFailed);

/// <summary>
/// The Direct Line's side of the bot: starts conversations (the bot gets one
/// <c>conversationUpdate</c> with the bot and the user added, so it welcomes once) and hands
/// each client activity to the same adapter and bot as /api/messages, in process. The bot's
/// replies come back through its Bot Connector calls (see <c>Connector/</c>).
/// </summary>
public sealed class DirectLineChannel(
    IDirectLineStore store,
    ActivityHistory history,
    BotAdapter adapter,
    IServiceProvider services,
    IConfiguration configuration,
    IOptions<DirectLineOptions> options,
    IOptions<BotOptions> botOptions,
    TextRedactor redactor,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<DirectLineChannel> logger)
{
    public const string ChannelId = "directline";

    private const string DefaultBotId = "supportbot";

    private string AppId => configuration["MicrosoftAppId"] ?? string.Empty;

    private ChannelAccount Bot => new(id: AppId.Length > 0 ? AppId : DefaultBotId, name: options.Value.BotName, role: RoleTypes.Bot);

    /// <summary>Starts the conversation and lets the bot greet; false (and nothing sent) when it was started before.</summary>
    public async Task<bool> StartAsync(string conversationId, string userId, string serviceUrl, string? locale, CancellationToken cancellationToken)
    {
        if (!await store.TryStartAsync(new DirectLineConversation(conversationId, userId, time.GetUtcNow()), cancellationToken))
        {
            return false;
        }

        logger.LogInformation("Direct Line conversation {ConversationId} started for user {UserId}", conversationId, userId);
        var user = new ChannelAccount(id: userId, role: RoleTypes.User);
        var update = Addressed(
            new Activity(ActivityTypes.ConversationUpdate) { Id = Guid.NewGuid().ToString("N"), MembersAdded = [Bot, user], From = user, Locale = locale, Timestamp = time.GetUtcNow() },
            conversationId,
            serviceUrl);

        try
        {
            await RunTurnAsync(update);
        }
        catch (Exception ex)
        {
            // The conversation exists and the client may talk; the welcome is what was lost.
            logger.LogError(ex, "The bot failed on the start of Direct Line conversation {ConversationId}", conversationId);
        }

        return true;
    }

    /// <summary>Stores the client's activity as from <paramref name="userId"/>, then runs the bot's turn on it.</summary>
    public async Task<PostedActivity> PostAsync(string conversationId, string userId, Activity activity, string serviceUrl, CancellationToken cancellationToken)
    {
        activity.From = new ChannelAccount(id: userId, name: activity.From?.Name, role: RoleTypes.User);

        // The history keeps no more of the text than the bot reads; the turn gets it whole, so the
        // bot's own cut (MessageLengthMiddleware) tells the user it only read the start. With
        // Privacy:Redact the history (what the client is sent back and replays) keeps it redacted.
        var text = activity.Text;
        activity.Text = text is null ? null : redactor.Redact(MessageLengthMiddleware.Cut(text, botOptions.Value.MaxMessageLength));
        await history.AppendAsync(conversationId, Addressed(activity, conversationId, serviceUrl), cancellationToken);
        activity.Text = text;

        try
        {
            await RunTurnAsync(activity);
            return new PostedActivity(activity.Id, BotFailed: false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The bot failed on {ActivityId} in Direct Line conversation {ConversationId}", activity.Id, conversationId);
            return new PostedActivity(activity.Id, BotFailed: true);
        }
    }

    // As the bot sees every activity of this channel: to the bot, in the conversation, replies to serviceUrl.
    private Activity Addressed(Activity activity, string conversationId, string serviceUrl)
    {
        activity.ChannelId = ChannelId;
        activity.ServiceUrl = serviceUrl;
        activity.Conversation = new ConversationAccount(id: conversationId);
        activity.Recipient = Bot;
        return activity;
    }

    private Task RunTurnAsync(Activity activity)
    {
        // The turn is not the HTTP request's: a client that goes away mid-turn still gets the
        // answer in its history. A stopping host finishes it too (within Shutdown:Timeout); only
        // a host that has stopped cancels it.
        var bot = services.GetRequiredService<IBot>();
        return adapter.ProcessActivityAsync(BotIdentity(), activity, bot.OnTurnAsync, lifetime.ApplicationStopped);
    }

    // Who the turn is for, as a channel's token would say: the bot's app id, if it has one.
    private ClaimsIdentity BotIdentity() => InProcessIdentity.For(AppId, ChannelId);
}
