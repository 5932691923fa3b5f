namespace SupportBot.Bot.Dialogs;

/// <summary>The handoff's words: offering a ticket, asking for an email and a summary, and the ticket number.</summary>
public static class HandoffTexts
{
    public const string Offer =
        "Shall I create a ticket for our support team? A person will read this conversation and reply by email.";

    public const string OfferAfterNotHelped =
        "Sorry I couldn't help. Shall I create a ticket for our support team? A person will read this conversation and reply by email.";

    public const string OfferAfterFallbacks =
        "I don't have answers for these. Shall I create a ticket for our support team? A person will read this conversation and reply by email.";

    public const string Declined =
        "OK, no ticket. You can also ask Kakao's team in DevTalk, the Kakao Developers forum (https://devtalk.kakao.com). " +
        "This conversation is saved under reference {0}.";

    public const string EmailQuestion = "What email address should our support team reply to?";
    public const string EmailQuestionKnown = "What email address should our support team reply to? Say \"skip\" to use {0}.";
    public const string EmailAgain = "That doesn't look like an email address. Please type it like name@example.com.";
    public const string EmailAgainKnown = "That doesn't look like an email address. Please type it like name@example.com, or say \"skip\" to use {0}.";
    public const string EmailGaveUp =
        "Sorry, I can't create a ticket without an email address. Say \"talk to a person\" whenever you want to try again.";

    public const string SummaryQuestion =
        "In one line, what do you need help with? Say \"skip\" and our team will read the conversation instead.";

    public const string Created =
        "I've created ticket {0} for our support team. They will reply to {1}. " +
        "This conversation is attached to the ticket, so you won't have to repeat yourself.";

    public const string Skip = "Skip";
}
