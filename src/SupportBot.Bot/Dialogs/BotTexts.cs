using System.Globalization;
using System.Resources;
using System.Runtime.CompilerServices;
using SupportBot.Core.Answers;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// The bot's own words in one language, read from BotTexts.resx (English) and BotTexts.ko.resx
/// (Korean). FAQ answers are Kakao's and live in training-data/; they are never translated.
/// </summary>
/// <remarks>
/// Plain <see cref="ResourceManager"/> lookups with an explicit culture, not IStringLocalizer over
/// the current UI culture: the language belongs to the conversation and is chosen per turn, and an
/// ambient culture would have to be set and restored around every turn (and leak into the logs).
/// </remarks>
public sealed class BotTexts
{
    private static readonly ResourceManager Resources = new(typeof(BotTexts));

    private readonly CultureInfo _culture;

    private BotTexts(string language)
    {
        Language = language;
        _culture = Core.Text.Language.Culture(language);
    }

    public static BotTexts English { get; } = new(Core.Text.Language.English);

    public static BotTexts Korean { get; } = new(Core.Text.Language.Korean);

    public static IReadOnlyList<BotTexts> All { get; } = [English, Korean];

    /// <summary><see cref="Core.Text.Language.English"/> or <see cref="Core.Text.Language.Korean"/>.</summary>
    public string Language { get; }

    public static BotTexts For(string language) => language == Core.Text.Language.Korean ? Korean : English;

    public string Welcome => Get();

    public string Help => Get();

    public string Fallback => Get();

    public string FallbackTips => Get();

    /// <summary>The fallback on a question about a Kakao area the FAQ does not cover; {0} the area, {1} its documentation links.</summary>
    public string AreaFallback => Get();

    public string AreaFallbackPerson => Get();

    public string FeedbackQuestion => Get();

    public string FeedbackThanks => Get();

    public string MaybeOneOfThese => Get();

    public string NoAlternatives => Get();

    public string OfferPerson => Get();

    public string DidYouMean => Get();

    public string NoneOfThese => Get();

    public string PlatformQuestion => Get();

    public string PlatformAgain => Get();

    public string PlatformAnswerIntro => Get();

    public string BrowseIntro => Get();

    public string Cancelled => Get();

    public string NonText => Get();

    public string Empty => Get();

    /// <summary>Said before the answer to a message cut to <c>Bot:MaxMessageLength</c>; {0} is that length.</summary>
    public string MessageCut => Get();

    public string Yes => Get();

    public string No => Get();

    public string TalkToPerson => Get();

    public string HandoffOffer => Get();

    public string HandoffOfferAfterNotHelped => Get();

    public string HandoffOfferAfterFallbacks => Get();

    public string HandoffDeclined => Get();

    public string TicketLimitReached => Get();

    public string EmailQuestion => Get();

    public string EmailQuestionKnown => Get();

    public string EmailAgain => Get();

    public string EmailAgainKnown => Get();

    public string EmailGaveUp => Get();

    public string SummaryQuestion => Get();

    public string TicketCreated => Get();

    public string Skip => Get();

    public string LiveChatOffer => Get();

    public string LiveChatWait => Get();

    public string LiveChatWaitUnknown => Get();

    public string LiveChatSorryNotHelped => Get();

    public string LiveChatSorryFallbacks => Get();

    public string LiveChatQueued => Get();

    public string LiveChatStillWaiting => Get();

    public string CancelWait => Get();

    public string LiveChatCancelled => Get();

    public string LiveChatAgentJoined => Get();

    public string LiveChatBackToBot => Get();

    public string LiveChatNobodyFree => Get();

    public string SatisfactionQuestion => Get();

    public string SatisfactionThanks => Get();

    /// <summary>The line before an FAQ answer saying it is the FAQ's English text; null in English.</summary>
    public string? EnglishFaqNotice => AnswerTexts.EnglishFaqNotice(Language);

    /// <summary>An FAQ topic's name in this language (the knowledge base names topics in English).</summary>
    public string Category(string category) => Resources.GetString($"Category.{category}", _culture) ?? category;

    /// <summary>A small-talk reply: English from the knowledge base, other languages from the resources.</summary>
    public string SmallTalk(SmallTalkIntent intent) =>
        Language == Core.Text.Language.English ? intent.Reply : Resources.GetString($"SmallTalk.{intent.Id}", _culture) ?? intent.Reply;

    /// <summary>Whether a message is a button's text (or typed like it) in any language the bot speaks.</summary>
    public static bool IsChoice(string message, Func<BotTexts, string> choice)
    {
        var normalized = TextNormalizer.Normalize(message);
        return All.Any(texts => TextNormalizer.Normalize(choice(texts)) == normalized);
    }

    /// <summary>A text with placeholders, filled in.</summary>
    public static string Format(string text, params object[] values) => string.Format(CultureInfo.InvariantCulture, text, values);

    private string Get([CallerMemberName] string name = "") =>
        Resources.GetString(name, _culture) ?? throw new MissingManifestResourceException($"BotTexts has no text '{name}'.");
}
