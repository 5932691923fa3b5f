using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace SupportBot.Web.Admin;

/// <summary>
/// The bot's Markdown answers as HTML for the admin transcript viewer, safely: every character of
/// the text is HTML-encoded, and only a small subset becomes markup (paragraphs, line breaks,
/// lists, <c>**bold**</c>, <c>*italic*</c>, <c>`code`</c>, and links to http/https addresses,
/// opened with <c>rel="noopener noreferrer"</c>). Anything else, raw HTML included, shows as text.
/// </summary>
public static partial class SafeMarkdown
{
    /// <summary>Encodes markup characters only: Korean and other scripts stay readable in the page's source.</summary>
    internal static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string ToHtml(string? markdown)
    {
        var html = new StringBuilder();
        foreach (var block in BlankLines().Split((markdown ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Trim()))
        {
            if (block.Length == 0)
            {
                continue;
            }

            var lines = block.Split('\n');
            if (lines.All(l => Bullet().IsMatch(l)))
            {
                List(html, "ul", lines.Select(l => Bullet().Replace(l, string.Empty, 1)));
            }
            else if (lines.All(l => Numbered().IsMatch(l)))
            {
                List(html, "ol", lines.Select(l => Numbered().Replace(l, string.Empty, 1)));
            }
            else
            {
                html.Append("<p>").AppendJoin("<br>", lines.Select(l => Inline(Heading().Replace(l, string.Empty, 1)))).Append("</p>");
            }
        }

        return html.ToString();
    }

    /// <summary>One line's text: encoded, with code, bold, italic and links made markup.</summary>
    public static string Inline(string text)
    {
        var html = new StringBuilder();
        var at = 0;
        foreach (Match match in Spans().Matches(text))
        {
            html.Append(Encoder.Encode(text[at..match.Index]));
            at = match.Index + match.Length;
            if (match.Groups["code"].Success)
            {
                html.Append("<code>").Append(Encoder.Encode(match.Groups["code"].Value)).Append("</code>");
            }
            else if (match.Groups["bold"].Success)
            {
                html.Append("<strong>").Append(Inline(match.Groups["bold"].Value)).Append("</strong>");
            }
            else if (match.Groups["label"].Success)
            {
                html.Append(Link(match.Groups["label"].Value, match.Groups["url"].Value));
            }
            else
            {
                html.Append("<em>").Append(Inline(match.Groups["em"].Success ? match.Groups["em"].Value : match.Groups["em2"].Value)).Append("</em>");
            }
        }

        return html.Append(Encoder.Encode(text[at..])).ToString();
    }

    /// <summary>A link only to an absolute http or https address; any other (<c>javascript:</c>, <c>data:</c>, relative) is its label as text.</summary>
    private static string Link(string label, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? $"<a href=\"{Encoder.Encode(uri.AbsoluteUri)}\" rel=\"noopener noreferrer\" target=\"_blank\">{Inline(label)}</a>"
            : Inline(label);

    private static void List(StringBuilder html, string tag, IEnumerable<string> items)
    {
        html.Append('<').Append(tag).Append('>');
        foreach (var item in items)
        {
            html.Append("<li>").Append(Inline(item)).Append("</li>");
        }

        html.Append("</").Append(tag).Append('>');
    }

    [GeneratedRegex(@"\n[ \t]*\n")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"^\s*[-*+]\s+")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"^\s*\d{1,3}[.)]\s+")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`(?<code>[^`\n]+)`|\*\*(?<bold>[^\n]+?)\*\*|\[(?<label>[^\]\n]+)\]\((?<url>(?:[^()\s]|\([^()\s]*\))+)\)|(?<![\w*])\*(?<em>[^*\n]+)\*(?![\w*])|(?<!\w)_(?<em2>[^_\n]+)_(?!\w)")]
    private static partial Regex Spans();
}
