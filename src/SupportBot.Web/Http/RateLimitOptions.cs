using Microsoft.Extensions.Options;

namespace SupportBot.Web.Http;

/// <summary>
/// The rate limits of the public endpoints (the <c>RateLimits</c> section), each a number of
/// requests per fixed window and per client: per IP address where a browser calls directly, per
/// API key on the help-desk API; on <c>/api/messages</c> per IP address before authentication and
/// per conversation after it.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Direct Line token and conversation creation and the Web Chat token, per IP address.</summary>
    public RateLimit DirectLineCreation { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The help-desk REST API (<c>/api/v1</c>), per API key when a valid one is presented, else per IP address.</summary>
    public RateLimit HelpDeskApi { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// <c>/api/messages</c>, per conversation of an activity whose request was authenticated (an
    /// unsigned request never spends a conversation's budget): channels post every user's turns
    /// from a few addresses. A person writes a message every few seconds at most; this leaves room
    /// for typing indicators and quick button presses besides.
    /// </summary>
    public RateLimit BotMessages { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// <c>/api/messages</c>, per IP address, before the request is authenticated: a channel posts
    /// every user's turns from a few addresses, so this only stops a flood from one address. Callers
    /// on this machine (the Emulator, a load test; loopback, no proxy) are not counted: the limit
    /// per conversation still applies to them.
    /// </summary>
    public RateLimit BotMessagesPerAddress { get; set; } = new() { PermitLimit = 1200, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// <c>/api/kakao/skill</c>, per KakaoTalk user (the user's conversation), once the bot id is
    /// checked: Kakao's servers carry every user's messages from a few addresses. The Direct
    /// Line's per-conversation pace (<c>DirectLine:MaxPostsPerConversation</c>).
    /// </summary>
    public RateLimit KakaoSkillPerUser { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Wrong help-desk API keys, per IP address: past the limit every request with a key from that address gets 429 until the window ends.</summary>
    public RateLimit BadApiKeys { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Admin dashboard sign-in attempts, per IP address: slows password guessing to a crawl.</summary>
    public RateLimit AdminSignIn { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>The limits by setting name, for validation and the log.</summary>
    public IEnumerable<(string Name, RateLimit Limit)> All =>
        [
            (nameof(DirectLineCreation), DirectLineCreation),
            (nameof(HelpDeskApi), HelpDeskApi),
            (nameof(BotMessages), BotMessages),
            (nameof(BotMessagesPerAddress), BotMessagesPerAddress),
            (nameof(KakaoSkillPerUser), KakaoSkillPerUser),
            (nameof(BadApiKeys), BadApiKeys),
            (nameof(AdminSignIn), AdminSignIn),
        ];
}

/// <summary>Requests one client may make per window; a <see cref="PermitLimit"/> of 0 turns the limit off.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }

    public bool IsOff => PermitLimit == 0;
}

/// <summary>Checks each limit, naming its key, and names the new key of a setting that moved here.</summary>
public sealed class RateLimitOptionsValidator(IConfiguration configuration) : IValidateOptions<RateLimitOptions>
{
    private static readonly (string Old, string New)[] Moved =
    [
        ("DirectLine:CreationsPerWindow", $"{RateLimitOptions.Section}:{nameof(RateLimitOptions.DirectLineCreation)}:{nameof(RateLimit.PermitLimit)}"),
        ("DirectLine:CreationWindow", $"{RateLimitOptions.Section}:{nameof(RateLimitOptions.DirectLineCreation)}:{nameof(RateLimit.Window)}"),
    ];

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, limit) in options.All)
        {
            var key = $"{RateLimitOptions.Section}:{setting}";
            if (limit.PermitLimit is < 0 or > 1_000_000)
            {
                failures.Add($"{key}:{nameof(RateLimit.PermitLimit)}: use 1 to 1000000 requests per window, or 0 for no limit.");
            }

            if (limit.Window < TimeSpan.FromSeconds(1) || limit.Window > TimeSpan.FromHours(1))
            {
                failures.Add($"{key}:{nameof(RateLimit.Window)}: use 00:00:01 to 01:00:00.");
            }
        }

        foreach (var (old, replacement) in Moved.Where(m => configuration[m.Old] is not null))
        {
            failures.Add($"{old}: this setting moved to {replacement}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
