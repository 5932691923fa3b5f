using SupportBot.Core.Text;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Which language the bot answers a message in: Korean when the message has Hangul in it or its
/// activity's locale is Korean (ko, ko-KR); otherwise the conversation's language when the message
/// only answers the bot (a button, an email, a platform name), and English for a new question.
/// </summary>
public static class ConversationLanguage
{
    /// <param name="text">The message's text.</param>
    /// <param name="locale">The activity's locale, as the channel sent it (may be null).</param>
    /// <param name="remembered">The language the bot spoke in the conversation so far, null at the start.</param>
    /// <param name="answersTheBot">Whether the message replies to the bot's last message rather than asking something new.</param>
    public static string Choose(string? text, string? locale, string? remembered, bool answersTheBot)
    {
        if (Language.IsKorean(text) || Language.OfLocale(locale) == Language.Korean)
        {
            return Language.Korean;
        }

        return answersTheBot && remembered is not null ? remembered : Language.English;
    }
}
