using System.Text;

namespace SupportBot.Core.Text;

/// <summary>
/// Turns anything a user can type into the canonical form the classifier sees: NFKC, lower case,
/// letters and digits kept, everything else a single space, and a bounded length.
/// </summary>
public static class TextNormalizer
{
    /// <summary>Characters kept after normalising; a question longer than this is not a better question.</summary>
    public const int MaxLength = 1000;

    // Bounds the work done on a hostile input before it is cut to MaxLength.
    private const int MaxScanned = 4 * MaxLength;

    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var scanned = text.Length > MaxScanned ? text[..MaxScanned] : text;
        var composed = RemoveLoneSurrogates(scanned).Normalize(NormalizationForm.FormKC);

        var builder = new StringBuilder(Math.Min(composed.Length, MaxLength));
        var pendingSpace = false;
        foreach (var c in composed)
        {
            // '_' stays because identifiers such as ko_appKey and KAKAO_TALK are what people paste.
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
                builder.Append(char.ToLowerInvariant(c));
                if (builder.Length >= MaxLength)
                {
                    break;
                }
            }
            else
            {
                pendingSpace = true;
            }
        }

        return builder.ToString();
    }

    // string.Normalize throws on unpaired surrogates, which arrive in pasted or hostile text.
    private static string RemoveLoneSurrogates(string text)
    {
        if (!text.Any(char.IsSurrogate))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (!char.IsSurrogate(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
