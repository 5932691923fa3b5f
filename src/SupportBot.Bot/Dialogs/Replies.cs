using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>
/// Builds the bot's messages in the conversation's language: answers as Markdown, choices as
/// suggested actions that send their text back.
/// </summary>
public sealed class Replies(KnowledgeBase knowledgeBase)
{
    // Web Chat cuts long button titles; the full question is still what the button sends.
    private const int MaxButtonTitle = 90;

    private readonly Dictionary<string, string> _categoryByName = BotTexts.All
        .SelectMany(texts => knowledgeBase.Categories.Select(category => (Name: TextNormalizer.Normalize(texts.Category(category)), category)))
        .DistinctBy(c => c.Name)
        .ToDictionary(c => c.Name, c => c.category, StringComparer.Ordinal);

    /// <summary>The FAQ topic a text names, in any language the bot speaks; null when it names none.</summary>
    public string? FindCategory(string text) => _categoryByName.GetValueOrDefault(TextNormalizer.Normalize(text));

    public IMessageActivity Welcome(BotTexts texts) => WithTopics(texts, texts.Welcome);

    /// <summary>A message with the FAQ's topics as choices.</summary>
    public IMessageActivity WithTopics(BotTexts texts, string text) => WithChoices(text, Topics(texts));

    public IMessageActivity Help(BotTexts texts) => WithChoices(texts.Help, [.. Topics(texts), texts.TalkToPerson]);

    public IEnumerable<IMessageActivity> Fallback(BotTexts texts) =>
    [
        Markdown(texts.Fallback),
        WithChoices(texts.FallbackTips, [.. Topics(texts), texts.TalkToPerson]),
    ];

    /// <summary>The Kakao area a question is clearly about (training-data/areas.yaml); null when none.</summary>
    public ProductArea? AreaOf(string? text) => knowledgeBase.Areas.Find(text);

    /// <summary>The fallback on a question about an area the FAQ does not cover: names it, links its documentation and DevTalk, then offers a person.</summary>
    public IEnumerable<IMessageActivity> Fallback(BotTexts texts, ProductArea? area) =>
        area is null
            ? Fallback(texts)
            : [AreaFallback(texts, area), WithChoices(texts.AreaFallbackPerson, [texts.TalkToPerson, .. Topics(texts)])];

    /// <summary>The area's part of the fallback: what it is about, that the FAQ does not cover it, where to look.</summary>
    public static IMessageActivity AreaFallback(BotTexts texts, ProductArea area) =>
        Markdown(BotTexts.Format(texts.AreaFallback, area.NameIn(texts.Language), string.Join("\n", area.DocsIn(texts.Language).Select(d => $"- {d}"))));

    public static IMessageActivity SmallTalk(BotTexts texts, SmallTalkIntent intent) => Markdown(texts.SmallTalk(intent));

    public IMessageActivity Browse(BotTexts texts, string category) =>
        WithQuestions(BotTexts.Format(texts.BrowseIntro, texts.Category(category)), knowledgeBase.InCategory(category));

    /// <summary>
    /// The FAQ answer as Markdown (tables kept), whole or the part for one platform; in another
    /// language than English, after one line saying it is the FAQ's English text.
    /// </summary>
    public static IMessageActivity Answer(BotTexts texts, FaqEntry entry, string? platform = null)
    {
        var answer = entry.Answer;
        if (platform is not null && entry.Platforms.TryGetValue(platform, out var part))
        {
            answer = $"{BotTexts.Format(texts.PlatformAnswerIntro, Platforms.Title(platform))}\n\n{part}";
        }

        return Markdown(texts.EnglishFaqNotice is { } notice ? $"{notice}\n\n{answer}" : answer);
    }

    /// <summary>"Did this answer your question?" with Yes / No, and the related entries as further choices.</summary>
    public IMessageActivity Feedback(BotTexts texts, FaqEntry entry)
    {
        var related = entry.Related.Select(knowledgeBase.Find).OfType<FaqEntry>();
        var actions = new[] { Choice(texts.Yes), Choice(texts.No) }.Concat(related.Select(QuestionChoice));
        return Choices(actions, texts.FeedbackQuestion);
    }

    public static IMessageActivity Alternatives(BotTexts texts, IReadOnlyList<FaqEntry> alternatives) =>
        alternatives.Count == 0
            ? WithChoices($"{texts.NoAlternatives} {texts.OfferPerson}", [texts.TalkToPerson])
            : Choices(
                alternatives.Select(QuestionChoice).Append(Choice(texts.TalkToPerson)),
                $"{texts.MaybeOneOfThese} {texts.OfferPerson}");

    public static IMessageActivity Clarify(BotTexts texts, IReadOnlyList<FaqEntry> candidates) =>
        Choices(candidates.Select(QuestionChoice).Append(Choice(texts.NoneOfThese)), texts.DidYouMean);

    public static IMessageActivity PlatformQuestion(BotTexts texts, bool again) =>
        WithChoices(again ? texts.PlatformAgain : texts.PlatformQuestion, Platforms.All.Select(p => p.Title));

    public static IMessageActivity Markdown(string text)
    {
        var activity = MessageFactory.Text(text);
        activity.TextFormat = TextFormatTypes.Markdown;
        return activity;
    }

    /// <summary>A message with choices that send their own text back.</summary>
    public static IMessageActivity WithChoices(string text, IEnumerable<string> choices) =>
        Choices(choices.Select(Choice), text);

    private IEnumerable<string> Topics(BotTexts texts) => knowledgeBase.Categories.Select(texts.Category);

    // MessageFactory.SuggestedActions has two overloads this call would match; build it directly.
    private static IMessageActivity Choices(IEnumerable<CardAction> actions, string text)
    {
        var activity = Markdown(text);
        activity.SuggestedActions = new SuggestedActions { Actions = actions.ToList() };
        return activity;
    }

    private static IMessageActivity WithQuestions(string text, IEnumerable<FaqEntry> entries) =>
        Choices(entries.Select(QuestionChoice), text);

    private static CardAction Choice(string text) => new(ActionTypes.ImBack, text, value: text);

    private static CardAction QuestionChoice(FaqEntry entry) =>
        new(ActionTypes.ImBack, Shorten(entry.Question), value: entry.Question);

    private static string Shorten(string text) => text.Length <= MaxButtonTitle ? text : string.Concat(text.AsSpan(0, MaxButtonTitle - 1).TrimEnd(), "…");
}
