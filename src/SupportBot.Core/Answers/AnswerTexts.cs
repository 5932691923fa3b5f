using System.Resources;
using SupportBot.Core.Text;

namespace SupportBot.Core.Answers;

/// <summary>Words said around an FAQ answer, per language (AnswerTexts.resx and its translations).</summary>
public static class AnswerTexts
{
    private static readonly ResourceManager Resources = new(typeof(AnswerTexts));

    /// <summary>The line that says the answer is the FAQ's English text; null in English, where it goes without saying.</summary>
    public static string? EnglishFaqNotice(string language) =>
        language == Language.English ? null : Resources.GetString(nameof(EnglishFaqNotice), Language.Culture(language));
}
