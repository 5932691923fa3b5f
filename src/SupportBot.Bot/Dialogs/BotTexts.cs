namespace SupportBot.Bot.Dialogs;

/// <summary>The bot's own words, in one place (FAQ answers are Kakao's and live in training-data/).</summary>
public static class BotTexts
{
    public const string Welcome =
        "Hi, I'm SupportBot. I answer questions about Kakao Developers: the platform and your app settings, " +
        "SDK errors, Kakao Login, user information and consent, Kakao Talk Social, messages and Kakao Sync. " +
        "Type your question in your own words, or pick a topic to browse.";

    public const string Help =
        "Ask me a question about Kakao Developers in your own words (for example \"keyhash mismatch on Android\" " +
        "or \"Invalid redirect error\"), or pick a topic below to see its questions. " +
        "Say \"agent\" to reach a person, and \"cancel\" to start over at any time.";

    public const string Fallback =
        "Sorry, I don't have an answer for that. I cover the Kakao Developers FAQ: the platform and app settings, " +
        "SDK errors, Kakao Login, user information and consent, Kakao Talk Social, messages and Kakao Sync.";

    public const string FallbackTips =
        "Tips: name the error message or the screen you see, and the platform (Android, iOS, JavaScript, REST API). " +
        "You can also browse a topic below, or talk to a person.";

    public const string FeedbackQuestion = "Did this answer your question?";
    public const string FeedbackThanks = "Glad I could help! Ask me anything else.";
    public const string MaybeOneOfThese = "Sorry about that. Maybe one of these?";
    public const string NoAlternatives = "Sorry about that. I have nothing closer in the FAQ.";
    public const string OfferPerson = "If none of these helps, you can talk to a person.";

    public const string DidYouMean = "Did you mean one of these?";
    public const string NoneOfThese = "None of these";

    public const string PlatformQuestion = "Which platform are you using?";
    public const string PlatformAgain = "Please pick a platform: JavaScript, Android, iOS or REST API.";
    public const string PlatformAnswerIntro = "For {0}:";

    public const string BrowseIntro = "Questions about {0}:";
    public const string Cancelled = "OK, let's start over. What can I help you with?";
    public const string NonText = "I can only read text for now. Please type your question.";
    public const string Empty = "Type a question about Kakao Developers, or \"help\" to see what I can do.";

    public const string Yes = "Yes";
    public const string No = "No";
    public const string TalkToPerson = "Talk to a person";
}
