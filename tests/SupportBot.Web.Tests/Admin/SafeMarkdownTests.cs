using SupportBot.Web.Admin;

namespace SupportBot.Web.Tests.Admin;

/// <summary>The transcript viewer's Markdown: a small subset becomes markup, everything else stays text.</summary>
public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")]
    [InlineData("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>")]
    [InlineData("[click](javascript:alert(1))", "<p>click</p>")]
    [InlineData("[click](JaVaScRiPt:alert(1))", "<p>click</p>")]
    [InlineData("[x](data:text/html,hi)", "<p>x</p>")]
    [InlineData("[relative](/admin/api/retrain)", "<p>relative</p>")]
    [InlineData("[a\" onmouseover=\"x](https://example.com/\"onclick=\"x)", "<p><a href=\"https://example.com/%22onclick=%22x\" rel=\"noopener noreferrer\" target=\"_blank\">a&quot; onmouseover=&quot;x</a></p>")]
    [InlineData("**<b>bold</b>**", "<p><strong>&lt;b&gt;bold&lt;/b&gt;</strong></p>")]
    [InlineData("`<code>`", "<p><code>&lt;code&gt;</code></p>")]
    public void Html_scripts_and_links_other_than_http_render_as_text(string markdown, string html) =>
        Assert.Equal(html, SafeMarkdown.ToHtml(markdown));

    [Fact]
    public void An_http_link_opens_without_access_to_the_admin_page()
    {
        Assert.Equal(
            "<p>See <a href=\"https://developers.kakao.com/docs?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=\"_blank\">the <em>guide</em></a>.</p>",
            SafeMarkdown.ToHtml("See [the *guide*](https://developers.kakao.com/docs?a=1&b=2)."));
    }

    [Fact]
    public void Paragraphs_line_breaks_lists_bold_and_korean_render_as_the_user_saw_them()
    {
        Assert.Equal(
            "<p><strong>키 해시</strong> 오류<br>second line</p><ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>",
            SafeMarkdown.ToHtml("**키 해시** 오류\nsecond line\n\n- one\n- two\n\n1. first\n2. second"));
    }
}
