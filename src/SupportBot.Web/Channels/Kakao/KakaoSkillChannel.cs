using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Core.Text;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Channels.DirectLine;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// The KakaoTalk channel's side of the bot: each skill request becomes a message activity of the
/// user's one conversation on channel <c>kakao</c>, run in process through the same adapter,
/// middleware (transcript, one turn at a time, message length) and bot as every channel, with
/// <c>expectReplies</c> so the bot's replies come back in the turn's result rather than through a
/// Bot Connector. State lives in the configured IStorage, so any replica can serve the next call.
/// </summary>
public sealed class KakaoSkillChannel(
    BotAdapter adapter,
    IServiceProvider services,
    IConfiguration configuration,
    IOptions<KakaoOptions> options,
    IOptions<DirectLineOptions> directLine,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<KakaoSkillChannel> logger)
{
    public const string ChannelId = "kakao";

    /// <summary>The service URL on Kakao activities: replies are returned (expectReplies), so nothing is ever sent there (<c>.invalid</c> never resolves).</summary>
    public const string ServiceUrl = "https://kakao.invalid/";

    /// <summary>The answer when the turn cannot finish in time or failed: Open Builder shows it instead of an error.</summary>
    public const string TryAgainText = "지금은 답변을 드리기 어려워요. 잠시 후 다시 보내 주세요.";

    private const string DefaultBotId = "supportbot";

    // A message of a few words without Hangul (a product name, "help", a button) is read in the user's language.
    private const int MaxShortUtteranceWords = 3;

    private string AppId => configuration["MicrosoftAppId"] ?? string.Empty;

    /// <summary>
    /// The conversation of a KakaoTalk user with one Open Builder bot: a hash of the bot id and the
    /// botUserKey, so the key is not repeated in every log line and URL and the id has one length.
    /// </summary>
    public static string ConversationId(string botId, string userKey) =>
        "kakao-" + WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes($"{botId}\n{userKey}")).AsSpan(0, 18));

    /// <summary>
    /// The locale of a message: Korean for <c>lang</c> <c>ko</c> or <c>kr</c> (the guide's table
    /// says one, its example the other) unless the message is an English sentence, which gets
    /// English; none when Open Builder sent no language (the bot then reads the text).
    /// </summary>
    public static string? Locale(string? lang, string utterance)
    {
        var korean = string.Equals(lang, "ko", StringComparison.OrdinalIgnoreCase) || string.Equals(lang, "kr", StringComparison.OrdinalIgnoreCase)
            || (lang?.StartsWith("ko-", StringComparison.OrdinalIgnoreCase) ?? false);
        if (!korean)
        {
            return string.IsNullOrWhiteSpace(lang) ? null : lang;
        }

        var englishSentence = !Language.IsKorean(utterance) && utterance.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > MaxShortUtteranceWords;
        return englishSentence ? null : "ko-KR";
    }

    /// <summary>The web chat a long answer's button opens: <c>Kakao:WebChatUrl</c>, else <c>DirectLine:PublicBaseUrl</c>, else this host as the request reached it.</summary>
    public string WebChatUrl(HttpRequest request) =>
        !string.IsNullOrWhiteSpace(options.Value.WebChatUrl) ? options.Value.WebChatUrl : DirectLineUrls.SiteRoot(request);

    /// <summary>Runs the user's turn; its replies, or null when it did not finish within <c>Kakao:TurnTimeout</c> or failed.</summary>
    public async Task<IReadOnlyList<Activity>?> RunTurnAsync(KakaoUtterance utterance)
    {
        var conversationId = ConversationId(utterance.BotId, utterance.UserKey);
        var activity = new Activity(ActivityTypes.Message)
        {
            Id = Guid.NewGuid().ToString("N"),
            Text = utterance.Text,
            Locale = Locale(utterance.Lang, utterance.Text),
            DeliveryMode = DeliveryModes.ExpectReplies,
            ChannelId = ChannelId,
            ServiceUrl = ServiceUrl,
            Conversation = new ConversationAccount(id: conversationId),
            From = new ChannelAccount(id: utterance.UserKey, role: RoleTypes.User),
            Recipient = new ChannelAccount(id: AppId.Length > 0 ? AppId : DefaultBotId, name: directLine.Value.BotName, role: RoleTypes.Bot),
            Timestamp = time.GetUtcNow(),

            // Which Open Builder bot and block asked: kept with the message in the transcript.
            ChannelData = new Dictionary<string, string?> { ["kakaoBotId"] = utterance.BotId, ["kakaoBlockId"] = utterance.BlockId },
        };

        // The turn is not the request's: when Kakao stops waiting, the turn still finishes and is
        // recorded, so the conversation's state stays whole; only a host that has stopped cancels it.
        var bot = services.GetRequiredService<IBot>();
        var turn = adapter.ProcessActivityAsync(InProcessIdentity.For(AppId, ChannelId), activity, bot.OnTurnAsync, lifetime.ApplicationStopped);
        try
        {
            var result = await turn.WaitAsync(options.Value.TurnTimeout, time);
            return (result?.Body as ExpectedReplies)?.Activities?.ToList() ?? [];
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The turn of Kakao conversation {ConversationId} took longer than {TurnTimeout}; answered try again", conversationId, options.Value.TurnTimeout);
            _ = turn.ContinueWith(
                t => logger.LogError(t.Exception, "The late turn of Kakao conversation {ConversationId} failed", conversationId),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The adapter handled what it could (an apology is a reply); what reaches here is an
            // outage of the database, which the next message may not meet.
            logger.LogError(ex, "The bot failed on a message of Kakao conversation {ConversationId}", conversationId);
            return null;
        }
    }
}

/// <summary>A checked skill request: who asked, through which bot and block, what, in which language.</summary>
public sealed record KakaoUtterance(string BotId, string UserKey, string Text, string? Lang, string? BlockId);
