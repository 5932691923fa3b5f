using System.Globalization;

namespace SupportBot.Bot.Tickets;

/// <summary>
/// The number people quote ("SB-000123"): the store's sequence, so unique and in creation order,
/// padded to six digits (it simply grows past a million).
/// </summary>
public static class TicketNumber
{
    public const string Prefix = "SB-";

    public static string Format(long sequence) => Prefix + sequence.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The sequence in "SB-000123" (any case); false for anything else.</summary>
    public static bool TryParse(string? number, out long sequence)
    {
        sequence = 0;
        if (number is null || !number.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var digits = number.AsSpan(Prefix.Length);
        return digits.Length is > 0 and <= 18
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && sequence > 0;
    }
}
