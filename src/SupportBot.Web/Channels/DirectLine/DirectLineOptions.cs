using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>The self-hosted Direct Line 3.0 and the Web Chat token endpoint (the <c>DirectLine</c> section).</summary>
public sealed class DirectLineOptions
{
    public const string Section = "DirectLine";

    public const string LocalMode = "Local";

    public const string AzureMode = "Azure";

    /// <summary>The master key of every conversation; empty means a development secret generated into <see cref="GeneratedSecretPath"/>.</summary>
    public string? Secret { get; set; }

    /// <summary>Where the development secret is kept when none is configured; relative to the content root.</summary>
    [Required]
    public string GeneratedSecretPath { get; set; } = "data/directline-secret.txt";

    /// <summary>How long a token is valid; clients refresh it before then.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The longest a conversation's tokens live from the first one, however often they are
    /// refreshed: refreshed tokens carry the first one's time and never outlive this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaxTokenAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>WebSockets one conversation may have open at once (on each replica); one more is refused with 429.</summary>
    [Range(1, 1000)]
    public int MaxStreamsPerConversation { get; set; } = 4;

    /// <summary>Activities a conversation may post per <see cref="PostWindow"/> (on each replica): a person's pace, not a script's.</summary>
    [Range(1, 100_000)]
    public int MaxPostsPerConversation { get; set; } = 30;

    /// <summary>The window of <see cref="MaxPostsPerConversation"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PostWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a client has to open the WebSocket of a <c>streamUrl</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan StreamUrlLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle WebSocket gets an empty message, so proxies and clients see it alive.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Unsent updates a WebSocket may fall behind by before it is dropped (the client reconnects with its watermark).</summary>
    [Range(1, 100_000)]
    public int StreamBacklogLimit { get; set; } = 256;

    /// <summary>The bot's display name in activities.</summary>
    [Required]
    public string BotName { get; set; } = "SupportBot";

    /// <summary>
    /// The address browsers reach this host at (<c>https://bot.example.com</c>, with a path prefix if
    /// a proxy adds one): the Direct Line URLs handed out are built on it, never on the request's
    /// <c>Host</c> header. Empty: built on the request, which only <c>AllowedHosts</c> then keeps honest.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary><c>Local</c>: /api/webchat/token hands out this host's own tokens; <c>Azure</c>: tokens of Azure Bot Service's Direct Line.</summary>
    public string Mode { get; set; } = LocalMode;

    /// <summary>The Direct Line secret of the Azure Bot resource (Azure mode only).</summary>
    public string? AzureSecret { get; set; }

    /// <summary>Azure Bot Service's Direct Line base URL (Azure mode only; regional bots use their region's).</summary>
    public Uri AzureBaseUrl { get; set; } = new("https://directline.botframework.com/v3/directline");

    /// <summary><see cref="PublicBaseUrl"/> without a trailing slash; null when none is set.</summary>
    public Uri? PublicBase => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : new Uri(PublicBaseUrl.TrimEnd('/'), UriKind.RelativeOrAbsolute);

    public bool IsAzure => string.Equals(Mode, AzureMode, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Fails the start on an unknown mode, a weak or placeholder secret, or Azure mode without its secret.</summary>
public sealed class DirectLineOptionsValidator(SecretStrength strength) : IValidateOptions<DirectLineOptions>
{
    /// <summary>A configured secret at least this long (Azure's are 43+ characters).</summary>
    public const int MinimumSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, DirectLineOptions options)
    {
        var failures = new List<string>();
        if (!options.IsAzure && !string.Equals(options.Mode, DirectLineOptions.LocalMode, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{DirectLineOptions.Section}:{nameof(DirectLineOptions.Mode)}: '{options.Mode}' is not a mode; use '{DirectLineOptions.LocalMode}' or '{DirectLineOptions.AzureMode}'.");
        }

        if (!string.IsNullOrEmpty(options.Secret) && options.Secret.Length < MinimumSecretLength)
        {
            failures.Add($"{DirectLineOptions.Section}:{nameof(DirectLineOptions.Secret)}: use at least {MinimumSecretLength} random characters.");
        }
        else
        {
            strength.Check(failures, $"{DirectLineOptions.Section}:{nameof(DirectLineOptions.Secret)}", options.Secret);
        }

        // Azure's own secrets are long and random: only a placeholder left in is caught here.
        strength.Check(failures, $"{DirectLineOptions.Section}:{nameof(DirectLineOptions.AzureSecret)}", options.AzureSecret, minimumLength: 0);

        if (options.IsAzure && string.IsNullOrWhiteSpace(options.AzureSecret))
        {
            failures.Add($"{DirectLineOptions.Section}:{nameof(DirectLineOptions.AzureSecret)}: Azure mode needs the Direct Line secret of the Azure Bot resource.");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !IsBaseUrl(options.PublicBaseUrl))
        {
            failures.Add($"{DirectLineOptions.Section}:{nameof(DirectLineOptions.PublicBaseUrl)}: '{options.PublicBaseUrl}' is not an absolute http(s) URL without query or fragment (e.g. https://bot.example.com).");
        }

        if (!options.AzureBaseUrl.IsAbsoluteUri || (options.AzureBaseUrl.Scheme != Uri.UriSchemeHttps && options.AzureBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{DirectLineOptions.Section}:{nameof(DirectLineOptions.AzureBaseUrl)}: an absolute http(s) URL is needed.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsBaseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo);
}

/// <summary>The Web Chat page's side of the channel (the <c>WebChat</c> section).</summary>
public sealed class WebChatOptions
{
    public const string Section = "WebChat";

    /// <summary>Origins (<c>https://example.com</c>) whose pages may call the token endpoint and the Direct Line; empty allows none but the host's own.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>Each allowed origin is a plain <c>scheme://host[:port]</c>: no wildcard, path or trailing slash.</summary>
public sealed class WebChatOptionsValidator : IValidateOptions<WebChatOptions>
{
    public ValidateOptionsResult Validate(string? name, WebChatOptions options)
    {
        var failures = options.AllowedOrigins
            .Where(origin => !IsOrigin(origin))
            .Select(origin => $"{WebChatOptions.Section}:{nameof(WebChatOptions.AllowedOrigins)}: '{origin}' is not an origin; write scheme://host[:port], without '*' or a path.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !origin.Contains('*', StringComparison.Ordinal)
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);
}
