using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>Reads a yes or a no from a short reply; anything else is neither (the user moved on).</summary>
public static class Confirmation
{
    private static readonly HashSet<string> YesWords = new(StringComparer.Ordinal)
    {
        "yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "it did", "yes it did", "yes thanks", "yes thank you",
        "that helped", "it helped", "helpful", "solved", "perfect", "great", "correct",
        "예", "네", "넵", "응", "맞아요", "좋아요", "도움이 됐어요", "도움이 되었어요", "도움 됐어요", "해결됐어요", "해결되었어요",
    };

    private static readonly HashSet<string> NoWords = new(StringComparer.Ordinal)
    {
        "no", "n", "nope", "nah", "not really", "no it didn t", "no it did not", "it didn t", "it did not",
        "didn t help", "did not help", "not helpful", "wrong", "wrong answer", "no thanks", "not quite",
        "아니요", "아니오", "아뇨", "아니", "아니에요", "별로요", "도움이 안 됐어요", "도움 안 됐어요", "해결 안 됐어요", "괜찮아요",
    };

    public static bool? Read(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        if (YesWords.Contains(normalized))
        {
            return true;
        }

        return NoWords.Contains(normalized) ? false : null;
    }
}
