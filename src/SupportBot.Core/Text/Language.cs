using System.Globalization;

namespace SupportBot.Core.Text;

/// <summary>Which language a user wrote in, as far as SupportBot cares: Korean when the text has any Hangul, English otherwise.</summary>
/// <remarks>
/// Kakao's developers mix English identifiers into Korean ("KOE101 에러", "redirect uri 오류"), so one
/// Hangul letter is enough; a message of only identifiers or English words counts as English.
/// </remarks>
public static class Language
{
    public const string English = "en";
    public const string Korean = "ko";

    public static bool IsKorean(string? text)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (IsHangul(c))
            {
                return true;
            }
        }

        return false;
    }

    public static string Of(string? text) => IsKorean(text) ? Korean : English;

    /// <summary>
    /// The language a locale names: "ko", "ko-KR", "ko_KR" are Korean and "en", "en-US" English
    /// (case ignored); null for any other language or anything that is not a locale tag.
    /// </summary>
    public static string? OfLocale(string? locale)
    {
        if (string.IsNullOrEmpty(locale) || locale.Length > MaxLocaleLength)
        {
            return null;
        }

        var parts = locale.Split('-', '_');
        if (parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiLetterOrDigit)))
        {
            return null;
        }

        return parts[0].ToLowerInvariant() switch
        {
            Korean => Korean,
            English => English,
            _ => null,
        };
    }

    /// <summary>The culture the bot's resources are looked up in for a language.</summary>
    public static CultureInfo Culture(string language) => language == Korean ? KoreanCulture : CultureInfo.InvariantCulture;

    // BCP 47 allows long tags with extensions; nothing this long is a language we speak.
    private const int MaxLocaleLength = 35;

    private static readonly CultureInfo KoreanCulture = CultureInfo.GetCultureInfo("ko");

    // Syllables, the conjoining jamo (what decomposed text is made of), the compatibility jamo
    // (ㅋㅋ, ㅠㅠ) and the extended jamo blocks.
    private static bool IsHangul(char c) =>
        c is >= '\uAC00' and <= '\uD7A3'
            or >= '\u1100' and <= '\u11FF'
            or >= '\u3130' and <= '\u318F'
            or >= '\uA960' and <= '\uA97F'
            or >= '\uD7B0' and <= '\uD7FF';
}
