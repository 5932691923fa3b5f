using Microsoft.Extensions.Options;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.HelpDesk;

/// <summary>The help desk's settings (the <c>HelpDesk</c> section): who may call the REST API, and where ticket events go.</summary>
public sealed class HelpDeskOptions
{
    public const string Section = "HelpDesk";

    /// <summary>The keys that open the REST API. None: open in Development (with a warning), closed (401) anywhere else.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Whether <c>/api/v1/answers</c> and <c>/api/v1/faq</c> need a key too; off by default, as the FAQ is public.</summary>
    public bool RequireApiKeyForFaq { get; set; }

    public WebhookOptions Webhook { get; set; } = new();

    /// <summary>The admin dashboard's password. None: a one-time password in Development (logged at start), the dashboard closed anywhere else.</summary>
    public string AdminPassword { get; set; } = string.Empty;

    /// <summary>How long an admin stays signed in (sliding).</summary>
    public TimeSpan AdminSessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public const int MinAdminPasswordLength = 12;
}

/// <summary>One API key and the name it is logged under (a help desk, an integration).</summary>
public sealed class ApiKeyOptions
{
    public const int MinKeyLength = 16;

    public string Name { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    /// <summary>
    /// What the key opens (<c>tickets</c>, <c>conversations</c>, <c>privacy</c>, <c>agent</c>); none listed: the ticket API only, as before scopes existed.
    /// An <c>agent</c> key is one person's (its <see cref="Name"/> is the agent's display name) and lists no other scope.
    /// </summary>
    public List<string> Scopes { get; set; } = [];
}

/// <summary>The outbound webhook for ticket events: where, the signing secret, and how delivery is retried.</summary>
public sealed class WebhookOptions
{
    public const int MinSecretLength = 16;

    /// <summary>Where to POST ticket events; empty: no delivery (events wait in the outbox).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The HMAC-SHA256 key both sides share.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Attempts before an event is given up as dead.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; it doubles after each one (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the outbox is looked at when nothing wakes the dispatcher (events written by another process).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Url);
}

/// <summary>Fails the start on a weak, placeholder, unnamed or repeated API key, a weak admin password or an incomplete webhook, naming the key at fault.</summary>
public sealed class HelpDeskOptionsValidator(SecretStrength strength) : IValidateOptions<HelpDeskOptions>
{
    private const string Webhook = $"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.Webhook)}";

    public ValidateOptionsResult Validate(string? name, HelpDeskOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var prefix = $"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)}:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"{prefix}:{nameof(ApiKeyOptions.Name)}: every API key needs a name (it is what the logs show).");
            }

            if (string.IsNullOrWhiteSpace(key.Key) || key.Key.Length < ApiKeyOptions.MinKeyLength)
            {
                failures.Add($"{prefix}:{nameof(ApiKeyOptions.Key)}: an API key is at least {ApiKeyOptions.MinKeyLength} characters (e.g. `openssl rand -hex 32`).");
            }
            else
            {
                strength.Check(failures, $"{prefix}:{nameof(ApiKeyOptions.Key)}", key.Key);
            }

            foreach (var scope in key.Scopes.Where(s => !ApiKeyScopes.Names.ContainsKey(s.Trim())))
            {
                failures.Add($"{prefix}:{nameof(ApiKeyOptions.Scopes)}: '{scope}' is not a scope; use {string.Join(", ", ApiKeyScopes.Names.Keys)}.");
            }

            // An agent's key is a person's sign-in: it must not also open tickets, transcripts or erasure.
            if (key.Scopes.Any(s => string.Equals(s.Trim(), "agent", StringComparison.OrdinalIgnoreCase)) && key.Scopes.Count > 1)
            {
                failures.Add($"{prefix}:{nameof(ApiKeyOptions.Scopes)}: an agent key lists only the 'agent' scope (give the agent a key of its own).");
            }
        }

        if (options.ApiKeys.Select(k => k.Name).Distinct(StringComparer.Ordinal).Count() < options.ApiKeys.Count)
        {
            failures.Add($"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)}: two API keys have the same name.");
        }

        if (options.ApiKeys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() < options.ApiKeys.Count)
        {
            failures.Add($"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)}: two API keys are the same key.");
        }

        if (options.AdminPassword.Length is > 0 and < HelpDeskOptions.MinAdminPasswordLength)
        {
            failures.Add($"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.AdminPassword)}: the admin password is at least {HelpDeskOptions.MinAdminPasswordLength} characters.");
        }
        else
        {
            strength.Check(failures, $"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.AdminPassword)}", options.AdminPassword, HelpDeskOptions.MinAdminPasswordLength);
        }

        if (options.AdminSessionLifetime < TimeSpan.FromMinutes(1) || options.AdminSessionLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.AdminSessionLifetime)}: must be between 1 minute and 30 days.");
        }

        var webhook = options.Webhook;
        if (webhook.IsEnabled)
        {
            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{Webhook}:{nameof(WebhookOptions.Url)}: '{webhook.Url}' is not an absolute http or https URL.");
            }

            if (string.IsNullOrEmpty(webhook.Secret) || webhook.Secret.Length < WebhookOptions.MinSecretLength)
            {
                failures.Add($"{Webhook}:{nameof(WebhookOptions.Secret)}: a webhook needs a signing secret of at least {WebhookOptions.MinSecretLength} characters.");
            }
        }

        if (webhook.Secret.Length >= WebhookOptions.MinSecretLength)
        {
            strength.Check(failures, $"{Webhook}:{nameof(WebhookOptions.Secret)}", webhook.Secret);
        }

        if (webhook.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{Webhook}:{nameof(WebhookOptions.MaxAttempts)}: must be between 1 and 100.");
        }

        if (webhook.FirstRetryDelay <= TimeSpan.Zero || webhook.MaxRetryDelay < webhook.FirstRetryDelay)
        {
            failures.Add($"{Webhook}:{nameof(WebhookOptions.FirstRetryDelay)}, {nameof(WebhookOptions.MaxRetryDelay)}: the first delay is positive and at most the largest.");
        }

        if (webhook.Timeout <= TimeSpan.Zero || webhook.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Webhook}:{nameof(WebhookOptions.Timeout)}: must be positive and at most 5 minutes.");
        }

        if (webhook.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{Webhook}:{nameof(WebhookOptions.PollInterval)}: must be at least 100 ms.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
