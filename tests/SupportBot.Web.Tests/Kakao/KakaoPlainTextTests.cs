using SupportBot.Web.Channels.Kakao;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>The bot's Markdown as KakaoTalk's plain text, and long text cut where a reader would pause.</summary>
public sealed class KakaoPlainTextTests
{
    [Fact]
    public void Emphasis_code_and_links_lose_their_marks_and_a_link_keeps_its_url()
    {
        var plain = KakaoPlainText.FromMarkdown("Set **Redirect URI** in `[My Application]`, see [the guide](https://developers.kakao.com/docs) or <https://devtalk.kakao.com>.");

        Assert.Equal("Set Redirect URI in [My Application], see the guide (https://developers.kakao.com/docs) or https://devtalk.kakao.com.", plain);
    }

    [Fact]
    public void A_table_becomes_one_line_per_row_with_each_cell_named_by_its_header()
    {
        var plain = KakaoPlainText.FromMarkdown("Options:\n\n| Platform | Parameter | Description |\n| --- | --- | --- |\n| Android | AuthType | One.<br>Two. |\n| iOS | authType | Three. |");

        Assert.Equal("Options:\n\n• Android\n  Parameter: AuthType\n  Description: One.\n  Two.\n• iOS\n  Parameter: authType\n  Description: Three.", plain);
    }

    [Fact]
    public void Bullets_headings_and_code_fences_become_plain_lines()
    {
        var plain = KakaoPlainText.FromMarkdown("## Causes\n\n- first\n* second\n\n```\nerror=\"invalid_grant\"\n```");

        Assert.Equal("Causes\n\n• first\n• second\n\nerror=\"invalid_grant\"", plain);
    }

    [Fact]
    public void Long_text_is_cut_at_paragraphs_first_and_every_piece_fits()
    {
        var paragraph = string.Concat(Enumerable.Repeat("A sentence of some length. ", 15)).Trim();
        var text = string.Join("\n\n", paragraph, paragraph, paragraph);

        var pieces = KakaoPlainText.Split(text, 1000);

        Assert.Equal([$"{paragraph}\n\n{paragraph}", paragraph], pieces);
    }

    [Fact]
    public void A_paragraph_longer_than_the_limit_is_cut_between_sentences()
    {
        var sentences = Enumerable.Range(1, 60).Select(i => $"Sentence number {i} is here.").ToList();

        var pieces = KakaoPlainText.Split(string.Join(" ", sentences), 300);

        Assert.All(pieces, p => Assert.InRange(p.Length, 1, 300));
        Assert.All(pieces, p => Assert.EndsWith(".", p, StringComparison.Ordinal));
        Assert.Equal(string.Join(" ", sentences), string.Join(" ", pieces));
    }

    [Fact]
    public void Cut_by_sentence_paragraphs_are_packed_into_fewer_full_pieces_and_nothing_is_lost()
    {
        var paragraph = string.Concat(Enumerable.Repeat("A sentence of some length. ", 22)).Trim();
        var text = string.Join("\n\n", paragraph, paragraph, paragraph);

        var byParagraph = KakaoPlainText.Split(text, 1000);
        var bySentence = KakaoPlainText.Split(text, 1000, bySentence: true);

        Assert.Equal(3, byParagraph.Count);
        Assert.Equal(2, bySentence.Count);
        Assert.All(bySentence, p => Assert.InRange(p.Length, 1, 1000));
        Assert.Equal(text.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal), string.Join(" ", bySentence).Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_word_longer_than_the_limit_is_cut_without_splitting_a_surrogate_pair()
    {
        var word = string.Concat(Enumerable.Repeat("😀", 30));

        var pieces = KakaoPlainText.Split(word, 15);

        Assert.All(pieces, p => Assert.False(char.IsHighSurrogate(p[^1])));
        Assert.Equal(word, string.Concat(pieces));
    }

    [Fact]
    public void Truncating_ends_at_a_sentence_with_an_ellipsis()
    {
        Assert.Equal("One sentence. Two sentences.…", KakaoPlainText.Truncate("One sentence. Two sentences. Three sentences here.", 40));
    }
}
