using System.Globalization;
using System.Reflection;
using SupportBot.Bot.Dialogs;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Tests.Dialogs;

/// <summary>Every text the bot says exists in English and in Korean, from the resource files.</summary>
[Collection(BotCollection.Name)]
public sealed class BotTextsTests(BotFixture fixture)
{
    public static TheoryData<string> TextNames => [.. typeof(BotTexts).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(string) && p.Name is not nameof(BotTexts.Language) and not nameof(BotTexts.EnglishFaqNotice))
        .Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(TextNames))]
    public void Every_text_is_in_english_and_in_korean(string name)
    {
        var property = typeof(BotTexts).GetProperty(name)!;
        var english = (string)property.GetValue(BotTexts.English)!;
        var korean = (string)property.GetValue(BotTexts.Korean)!;

        Assert.False(Language.IsKorean(english), english);
        Assert.True(Language.IsKorean(korean), $"{name}: '{korean}' has no Hangul");
        Assert.Equal(Placeholders(english), Placeholders(korean));
    }

    [Fact]
    public void Every_topic_and_small_talk_reply_has_a_korean_text()
    {
        Assert.All(fixture.KnowledgeBase.Categories, c =>
        {
            Assert.Equal(c, BotTexts.English.Category(c));
            Assert.True(Language.IsKorean(BotTexts.Korean.Category(c)), c);
        });
        Assert.All(fixture.KnowledgeBase.SmallTalk, s =>
        {
            Assert.Equal(s.Reply, BotTexts.English.SmallTalk(s));
            Assert.True(Language.IsKorean(BotTexts.Korean.SmallTalk(s)), s.Id);
        });
    }

    [Fact]
    public void Only_korean_gets_the_line_saying_answers_are_the_english_faq()
    {
        Assert.Null(BotTexts.English.EnglishFaqNotice);
        Assert.True(Language.IsKorean(BotTexts.Korean.EnglishFaqNotice));
    }

    private static List<string> Placeholders(string text) =>
        [.. Enumerable.Range(0, 3).Select(i => $"{{{i.ToString(CultureInfo.InvariantCulture)}}}").Where(text.Contains)];
}
