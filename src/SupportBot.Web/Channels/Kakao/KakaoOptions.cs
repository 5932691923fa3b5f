using Microsoft.Extensions.Options;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>The <c>Kakao</c> section: which Open Builder bots may call the skill, its shared secret, and how long a turn may take.</summary>
public sealed class KakaoOptions
{
    public const string Section = "Kakao";

    /// <summary>The header Open Builder is configured to send the shared secret in (skill settings, "헤더 값 입력").</summary>
    public const string SecretHeader = "X-SupportBot-Skill-Secret";

    /// <summary>
    /// The Open Builder bot ids (<c>bot.id</c> of a skill request) that may call the skill; others
    /// get 403. Empty outside Development: the endpoint is off (404). Empty in Development: any bot id.
    /// </summary>
    public string[] BotIds { get; set; } = [];

    /// <summary>When set, every skill request must carry it in <see cref="SecretHeader"/> (compared in fixed time).</summary>
    public string? SkillSecret { get; set; }

    /// <summary>
    /// How long a skill request waits for the bot's turn before it answers "try again": well
    /// under Open Builder's 5 s, so the answer is never a timeout on Kakao's side.
    /// </summary>
    public TimeSpan TurnTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The web chat a long answer's "read it all" button opens; empty: this host's <c>/</c> as the request reached it.</summary>
    public string? WebChatUrl { get; set; }

    /// <summary>Whether a bot id may call: listed, or any when none are listed (only reachable in Development).</summary>
    public bool Allows(string botId) => BotIds.Length == 0 || BotIds.Contains(botId, StringComparer.Ordinal);
}

/// <summary>Checks the timeout, the web chat URL and the secret's strength, naming the keys.</summary>
public sealed class KakaoOptionsValidator(SecretStrength strength) : IValidateOptions<KakaoOptions>
{
    /// <summary>The longest turn timeout accepted: Open Builder gives up at 5 s, and the answer must still travel.</summary>
    public static readonly TimeSpan MaxTurnTimeout = TimeSpan.FromSeconds(4.5);

    public ValidateOptionsResult Validate(string? name, KakaoOptions options)
    {
        var failures = new List<string>();
        if (options.TurnTimeout < TimeSpan.FromMilliseconds(100) || options.TurnTimeout > MaxTurnTimeout)
        {
            failures.Add($"{KakaoOptions.Section}:{nameof(KakaoOptions.TurnTimeout)}: use 00:00:00.1 to 00:00:04.5 (Open Builder waits 5 s at most).");
        }

        if (options.BotIds.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{KakaoOptions.Section}:{nameof(KakaoOptions.BotIds)}: an entry is empty.");
        }

        if (!string.IsNullOrWhiteSpace(options.WebChatUrl)
            && !(Uri.TryCreate(options.WebChatUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            failures.Add($"{KakaoOptions.Section}:{nameof(KakaoOptions.WebChatUrl)}: '{options.WebChatUrl}' is not an absolute http(s) URL.");
        }

        strength.Check(failures, $"{KakaoOptions.Section}:{nameof(KakaoOptions.SkillSecret)}", options.SkillSecret);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
