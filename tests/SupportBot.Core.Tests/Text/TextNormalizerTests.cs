using SupportBot.Core.Text;

namespace SupportBot.Core.Tests.Text;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData(" \t\r\n ", "")]
    [InlineData("Android KeyHash  MISMATCHED!", "android keyhash mismatched")]
    [InlineData("+[NSBundle ko_appKey]: unrecognized", "nsbundle ko_appkey unrecognized")]
    [InlineData("키해시 오류 😀 keyhash", "키해시 오류 keyhash")]
    [InlineData("ｆｕｌｌ ｗｉｄｔｈ", "full width")]
    [InlineData("bell\u0007and\u0000nul", "bell and nul")]
    public void Normalises_what_users_type(string? input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Fact]
    public void A_huge_input_is_cut_to_the_maximum_length()
    {
        var huge = string.Concat(Enumerable.Repeat("keyhash mismatch ", 2_000));

        var normalized = TextNormalizer.Normalize(huge);

        Assert.True(normalized.Length <= TextNormalizer.MaxLength);
        Assert.StartsWith("keyhash mismatch keyhash", normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogates_are_dropped_instead_of_throwing()
    {
        Assert.Equal("ab", TextNormalizer.Normalize("a\uD800b\uDC00"));
    }
}
