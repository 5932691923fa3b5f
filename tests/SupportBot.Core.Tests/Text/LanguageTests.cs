using System.Text;
using SupportBot.Core.Text;

namespace SupportBot.Core.Tests.Text;

/// <summary>Korean is told from English by its letters, mixed identifiers and decomposed jamo included.</summary>
public sealed class LanguageTests
{
    [Theory]
    [InlineData("키해시 오류", Language.Korean)]
    [InlineData("KOE101 에러", Language.Korean)]
    [InlineData("redirect uri 에러남 ㅠㅠ", Language.Korean)]
    [InlineData("ㅋㅋ", Language.Korean)]
    [InlineData("keyhash mismatch android", Language.English)]
    [InlineData("KOE101", Language.English)]
    [InlineData("", Language.English)]
    public void The_language_of_a_message_is_Korean_when_it_has_hangul(string text, string expected) =>
        Assert.Equal(expected, Language.Of(text));

    [Fact]
    public void Decomposed_hangul_counts_as_Korean() =>
        Assert.True(Language.IsKorean("카카오 로그인".Normalize(NormalizationForm.FormD)));

    [Theory]
    [InlineData("ko", Language.Korean)]
    [InlineData("ko-KR", Language.Korean)]
    [InlineData("KO_kr", Language.Korean)]
    [InlineData("en", Language.English)]
    [InlineData("en-US", Language.English)]
    [InlineData("fr-FR", null)]
    [InlineData("", null)]
    [InlineData("ko KR", null)]
    [InlineData("ko-", null)]
    [InlineData("korean", null)]
    [InlineData(null, null)]
    public void A_locale_names_korean_or_english_or_neither(string? locale, string? expected) =>
        Assert.Equal(expected, Language.OfLocale(locale));
}
