using System.Text.RegularExpressions;

namespace SupportBot.Bot.Tickets;

/// <summary>Whether what a user typed (or what a channel gives as the user's name or id) is an email address support can reply to.</summary>
public static partial class ContactEmail
{
    public const int MaxLength = 254;

    /// <summary>The address, trimmed; null when the text is not one plain address (no display name, no spaces, a dotted domain).</summary>
    public static string? Normalize(string? text)
    {
        var candidate = text?.Trim();
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength)
        {
            return null;
        }

        return Address().IsMatch(candidate) ? candidate : null;
    }

    // local@label.label: the local part without spaces, quotes or brackets; domain labels of
    // letters, digits and inner hyphens, at least two of them.
    [GeneratedRegex(@"^[^@\s<>()\[\],;:""\\]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
