using System.Text;
using System.Text.RegularExpressions;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// The bot's Markdown as KakaoTalk shows it, which renders none: emphasis and code marks dropped,
/// links as "text (url)", list bullets as "•", table rows as lines of "header: cell"; and text cut
/// into pieces that fit a speech bubble, at paragraph, then line, then sentence, then word boundaries.
/// </summary>
public static partial class KakaoPlainText
{
    /// <summary>Plain text from the bot's Markdown.</summary>
    public static string FromMarkdown(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var plain = new StringBuilder();
        string[]? header = null;
        var inFence = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                plain.Append(line).Append('\n');
                continue;
            }

            if (TableRow().IsMatch(line))
            {
                var cells = Cells(line);
                if (cells.All(c => TableRule().IsMatch(c)))
                {
                    continue;
                }

                if (header is null)
                {
                    header = cells;
                    continue;
                }

                plain.Append(TableLine(header, cells)).Append('\n');
                continue;
            }

            header = null;
            plain.Append(Inline(Block(line))).Append('\n');
        }

        return ExtraBlankLines().Replace(plain.ToString(), "\n\n").Trim();
    }

    /// <summary>
    /// The text in pieces of at most <paramref name="limit"/> characters, as few as the boundaries
    /// allow: whole paragraphs together where they fit, a paragraph cut at lines, sentences, then words.
    /// </summary>
    /// <param name="bySentence">Cut every paragraph between sentences, not only the long ones: fills each piece, for when whole paragraphs need more pieces than there is room for.</param>
    public static List<string> Split(string text, int limit, bool bySentence = false)
    {
        var pieces = new List<string>();
        var current = new StringBuilder();
        foreach (var unit in Units(text, limit, bySentence))
        {
            var separator = current.Length == 0 ? string.Empty : unit.Separator;
            if (current.Length + separator.Length + unit.Text.Length > limit)
            {
                pieces.Add(current.ToString());
                current.Clear();
                separator = string.Empty;
            }

            current.Append(separator).Append(unit.Text);
        }

        if (current.Length > 0)
        {
            pieces.Add(current.ToString());
        }

        return pieces;
    }

    /// <summary>The start of the text that fits <paramref name="limit"/> characters with "…" after it, cut at a sentence or word boundary.</summary>
    public static string Truncate(string text, int limit)
    {
        if (text.Length <= limit)
        {
            return text;
        }

        var room = limit - 1;
        var cut = text.LastIndexOfAny(['.', '?', '!', '。', '\n'], room - 1);
        if (cut < room / 2)
        {
            cut = text.LastIndexOf(' ', room - 1);
        }

        var end = cut < room / 2 ? room : cut + 1;
        if (char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return string.Concat(text.AsSpan(0, end).TrimEnd(), "…");
    }

    // Paragraphs, each cut into lines, sentences or words when longer than the limit; with the separator that joins it to the previous unit.
    private static IEnumerable<(string Text, string Separator)> Units(string text, int limit, bool bySentence)
    {
        foreach (var paragraph in text.Split("\n\n"))
        {
            var first = true;
            var parts = bySentence
                ? Sentences(paragraph).SelectMany(s => Cut(s.Text, limit, [" "]).Select((piece, i) => i == 0 ? piece with { Separator = s.Separator } : piece))
                : Cut(paragraph, limit, ["\n", ". ", "? ", "! ", " "]);
            foreach (var part in parts)
            {
                yield return (part.Text, first ? "\n\n" : part.Separator);
                first = false;
            }
        }
    }

    // A paragraph's lines and sentences, each with the separator before it.
    private static IEnumerable<(string Text, string Separator)> Sentences(string paragraph)
    {
        var at = 0;
        var separator = string.Empty;
        foreach (Match boundary in SentenceEnd().Matches(paragraph))
        {
            yield return (paragraph[at..boundary.Index], separator);
            separator = boundary.Value.Contains('\n', StringComparison.Ordinal) ? "\n" : " ";
            at = boundary.Index + boundary.Length;
        }

        yield return (paragraph[at..], separator);
    }

    private static IEnumerable<(string Text, string Separator)> Cut(string text, int limit, string[] boundaries)
    {
        if (text.Length <= limit)
        {
            yield return (text, string.Empty);
            yield break;
        }

        if (boundaries.Length == 0)
        {
            var at = 0;
            while (at < text.Length)
            {
                var length = Math.Min(limit, text.Length - at);
                if (at + length < text.Length && char.IsHighSurrogate(text[at + length - 1]))
                {
                    length--;
                }

                yield return (text.Substring(at, length), string.Empty);
                at += length;
            }

            yield break;
        }

        var boundary = boundaries[0];
        var keep = boundary.TrimEnd();
        var separator = boundary[keep.Length..];
        var parts = text.Split(boundary);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = i < parts.Length - 1 ? parts[i] + keep : parts[i];
            var firstPiece = true;
            foreach (var piece in Cut(part, limit, boundaries[1..]))
            {
                yield return (piece.Text, firstPiece ? separator : piece.Separator);
                firstPiece = false;
            }
        }
    }

    private static string Block(string line)
    {
        var heading = Heading().Match(line);
        if (heading.Success)
        {
            return heading.Groups["text"].Value;
        }

        var quote = Quote().Match(line);
        if (quote.Success)
        {
            line = quote.Groups["text"].Value;
        }

        var bullet = Bullet().Match(line);
        return bullet.Success ? $"{bullet.Groups["indent"].Value}• {bullet.Groups["text"].Value}" : line;
    }

    private static string Inline(string text)
    {
        text = Link().Replace(text, m => m.Groups["text"].Value == m.Groups["url"].Value ? m.Groups["url"].Value : $"{m.Groups["text"].Value} ({m.Groups["url"].Value})");
        text = AutoLink().Replace(text, "${url}");
        text = Strong().Replace(text, "${text}");
        text = Emphasis().Replace(text, "${text}");
        text = Code().Replace(text, "${text}");
        text = LineBreak().Replace(text, "\n");
        return Escape().Replace(text, "${char}");
    }

    private static string[] Cells(string row) =>
        [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    // A row as "first cell", then "header: cell" for each other column, each on its line.
    private static string TableLine(string[] header, string[] cells)
    {
        var line = new StringBuilder("• ").Append(Inline(cells[0]));
        for (var i = 1; i < cells.Length; i++)
        {
            if (cells[i].Length == 0)
            {
                continue;
            }

            var name = i < header.Length ? Inline(header[i]) : string.Empty;
            line.Append('\n').Append("  ").Append(name.Length > 0 ? $"{name}: " : string.Empty).Append(Inline(cells[i]).Replace("\n", "\n  ", StringComparison.Ordinal));
        }

        return line.ToString();
    }

    [GeneratedRegex(@"^\s*\|.*\|\s*$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^:?-{3,}:?$")]
    private static partial Regex TableRule();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(?<text>.*?)\s*#*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s{0,3}>\s?(?<text>.*)$")]
    private static partial Regex Quote();

    [GeneratedRegex(@"^(?<indent>\s*)[-*+]\s+(?<text>.*)$")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\((?<url>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"<(?<url>https?://[^>\s]+)>")]
    private static partial Regex AutoLink();

    [GeneratedRegex(@"(\*\*|__)(?<text>\S(?:.*?\S)?)\1")]
    private static partial Regex Strong();

    [GeneratedRegex(@"(?<![\w*])\*(?<text>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"`(?<text>[^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"\\(?<char>[\\`*_{}\[\]()#+\-.!|])")]
    private static partial Regex Escape();

    [GeneratedRegex(@"(?<=[.?!])[ ]+|\n")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex ExtraBlankLines();
}
