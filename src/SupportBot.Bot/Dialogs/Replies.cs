using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Core.Knowledge;

namespace SupportBot.Bot.Dialogs;

/// <summary>Builds the bot's messages: answers as Markdown, choices as suggested actions that send their text back.</summary>
public sealed class Replies(KnowledgeBase knowledgeBase)
{
    // Web Chat cuts long button titles; the full question is still what the button sends.
    private const int MaxButtonTitle = 90;

    public IMessageActivity Welcome() => WithChoices(BotTexts.Welcome, knowledgeBase.Categories);

    /// <summary>A message with the FAQ's topics as choices.</summary>
    public IMessageActivity WithTopics(string text) => WithChoices(text, knowledgeBase.Categories);

    public IMessageActivity Help() => WithChoices(BotTexts.Help, [.. knowledgeBase.Categories, BotTexts.TalkToPerson]);

    public IEnumerable<IMessageActivity> Fallback() =>
    [
        Markdown(BotTexts.Fallback),
        WithChoices(BotTexts.FallbackTips, [.. knowledgeBase.Categories, BotTexts.TalkToPerson]),
    ];

    public IMessageActivity SmallTalk(SmallTalkIntent intent) => Markdown(intent.Reply);

    public IMessageActivity Browse(string category) =>
        WithQuestions(string.Format(CultureInfo.InvariantCulture, BotTexts.BrowseIntro, category), knowledgeBase.InCategory(category));

    /// <summary>The FAQ answer as Markdown (tables kept), whole or the part for one platform.</summary>
    public IMessageActivity Answer(FaqEntry entry, string? platform = null)
    {
        if (platform is not null && entry.Platforms.TryGetValue(platform, out var part))
        {
            var intro = string.Format(CultureInfo.InvariantCulture, BotTexts.PlatformAnswerIntro, Platforms.Title(platform));
            return Markdown($"{intro}\n\n{part}");
        }

        return Markdown(entry.Answer);
    }

    /// <summary>"Did this answer your question?" with Yes / No, and the related entries as further choices.</summary>
    public IMessageActivity Feedback(FaqEntry entry)
    {
        var related = entry.Related.Select(knowledgeBase.Find).OfType<FaqEntry>();
        var actions = new[] { Choice(BotTexts.Yes), Choice(BotTexts.No) }.Concat(related.Select(QuestionChoice));
        return Choices(actions, BotTexts.FeedbackQuestion);
    }

    public IMessageActivity Alternatives(IReadOnlyList<FaqEntry> alternatives) =>
        alternatives.Count == 0
            ? WithChoices($"{BotTexts.NoAlternatives} {BotTexts.OfferPerson}", [BotTexts.TalkToPerson])
            : Choices(
                alternatives.Select(QuestionChoice).Append(Choice(BotTexts.TalkToPerson)),
                $"{BotTexts.MaybeOneOfThese} {BotTexts.OfferPerson}");

    public IMessageActivity Clarify(IReadOnlyList<FaqEntry> candidates) =>
        Choices(candidates.Select(QuestionChoice).Append(Choice(BotTexts.NoneOfThese)), BotTexts.DidYouMean);

    public IMessageActivity PlatformQuestion(bool again) =>
        WithChoices(again ? BotTexts.PlatformAgain : BotTexts.PlatformQuestion, Platforms.All.Select(p => p.Title));

    public static IMessageActivity Markdown(string text)
    {
        var activity = MessageFactory.Text(text);
        activity.TextFormat = TextFormatTypes.Markdown;
        return activity;
    }

    // MessageFactory.SuggestedActions has two overloads this call would match; build it directly.
    private static IMessageActivity Choices(IEnumerable<CardAction> actions, string text)
    {
        var activity = Markdown(text);
        activity.SuggestedActions = new SuggestedActions { Actions = actions.ToList() };
        return activity;
    }

    private static IMessageActivity WithQuestions(string text, IEnumerable<FaqEntry> entries) =>
        Choices(entries.Select(QuestionChoice), text);

    /// <summary>A message with choices that send their own text back.</summary>
    public static IMessageActivity WithChoices(string text, IEnumerable<string> choices) =>
        Choices(choices.Select(Choice), text);

    private static CardAction Choice(string text) => new(ActionTypes.ImBack, text, value: text);

    private static CardAction QuestionChoice(FaqEntry entry) =>
        new(ActionTypes.ImBack, Shorten(entry.Question), value: entry.Question);

    private static string Shorten(string text) => text.Length <= MaxButtonTitle ? text : string.Concat(text.AsSpan(0, MaxButtonTitle - 1).TrimEnd(), "…");
}
