using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Storage;

namespace SupportBot.Bot.Privacy;

/// <summary>Whether user text is masked before it is stored (<c>Privacy:Redact</c>, docs/privacy.md "Redaction").</summary>
public sealed class RedactionOptions
{
    public const string Section = "Privacy";

    public bool Redact { get; set; }
}

/// <summary>
/// Masks emails (<c>[email]</c>), phone numbers (<c>[phone]</c>) and Kakao-style secrets
/// (<c>[token]</c>: access, refresh and ID tokens, authorization codes, 32-hex app keys) in text a
/// user wrote, for the stores that keep it. The one place the patterns live; every write path asks here.
/// </summary>
public sealed partial class TextRedactor(IOptions<RedactionOptions> options)
{
    public const string Email = "[email]";
    public const string Phone = "[phone]";
    public const string Token = "[token]";

    /// <summary>What a text becomes when the patterns ran out of time on it: nothing of it is kept.</summary>
    public const string Unreadable = "[redacted]";

    /// <summary>Generous for a message (Bot:MaxMessageLength is 4000 characters), short for a turn.</summary>
    public const int MatchTimeoutMilliseconds = 200;

    /// <summary>Off unless <c>Privacy:Redact</c> is true; when off, <see cref="Redact"/> returns its input without any regex work.</summary>
    public bool Enabled { get; } = options.Value.Redact;

    /// <summary>The text with what looks personal masked; the text itself when redaction is off or nothing matched.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text) => Enabled && !string.IsNullOrEmpty(text) ? Mask(text) : text;

    /// <summary>A copy of the activity, its text redacted as <see cref="Redact"/> does: what a store keeps while the turn reads the original.</summary>
    public Activity RedactedCopy(Activity activity)
    {
        var copy = TranscriptJson.Deserialize(TranscriptJson.Serialize(activity));
        copy.Text = Redact(copy.Text);
        return copy;
    }

    /// <summary>The masking itself, whatever the setting (tests, benchmarks).</summary>
    public static string Mask(string text)
    {
        try
        {
            return Personal().Replace(text, static match =>
                match.Groups["email"].Success ? Email
                : match.Groups["phone"].Success ? Phone
                : match.Groups["key"].Success ? match.Groups["key"].Value + Token
                : Token);
        }
        catch (RegexMatchTimeoutException)
        {
            // Keeping the text unmasked is the one wrong answer: drop it whole.
            return Unreadable;
        }
    }

    // One pass over the text. Each alternative starts only where a run of its characters starts
    // (the lookbehinds), so a long run that is not a match is scanned once, not once per character.
    // Hangul may touch a value ("010-1234-5678입니다"), so the boundaries are ASCII-only.
    [GeneratedRegex(
        """
        (?<email>(?<![A-Za-z0-9_.%+-])[A-Za-z0-9][A-Za-z0-9_.%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-]))
        |(?<phone>(?<![0-9A-Za-z+])
            (?:01[016789][ .-]?[0-9]{3,4}[ .-]?[0-9]{4}
              |0(?:2|[3-6][1-5]|70)[ .-][0-9]{3,4}[ .-][0-9]{4}
              |\(0(?:2|[3-6][1-5]|70)\)[ ]?[0-9]{3,4}[ .-][0-9]{4}
              |\+[1-9](?:[ .()-]{0,2}[0-9]){7,14}
              |\([0-9]{3}\)[ ]?[0-9]{3}[ .-][0-9]{4}
              |[2-9][0-9]{2}-[0-9]{3}-[0-9]{4})
            (?![0-9A-Za-z]))
        |(?<token>(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![A-Za-z0-9_-]))
        |(?<token>(?<![A-Za-z0-9])[0-9a-fA-F]{32}(?![A-Za-z0-9]))
        |(?<key>(?i:\b(?:bearer|kakaoak)[ ]+|(?<![A-Za-z0-9_])(?:access_token|refresh_token|id_token|code|client_secret|app_?key|rest_?api_?key|admin_?key)["']?[ ]*[:=][ ]*["']?))[A-Za-z0-9_.~+/=-]{20,}
        |(?<token>(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{30,}(?![A-Za-z0-9_-]))
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant,
        MatchTimeoutMilliseconds)]
    private static partial Regex Personal();
}
