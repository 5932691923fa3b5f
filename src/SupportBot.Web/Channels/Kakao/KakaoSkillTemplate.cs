using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Dialogs;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// The bot's replies of one turn as a skill response within Kakao's limits: at most
/// <see cref="MaxOutputs"/> outputs; the messages' Markdown made plain and packed into
/// <c>simpleText</c>s of at most <see cref="MaxSimpleText"/> characters (an answer too long for the
/// outputs left ends with a card whose button opens the web chat); short choices as quick replies
/// (label cut to <see cref="MaxLabel"/>, the whole text sent), question choices as a list card; the
/// handoff offer and the ticket's confirmation with a button to the channel's human agents.
/// </summary>
public sealed class KakaoSkillTemplate(KnowledgeBase knowledgeBase)
{
    public const int MaxOutputs = 3;
    public const int MaxSimpleText = 1000;
    public const int MaxCardText = 400;
    public const int MaxQuickReplies = 10;
    public const int MaxLabel = 14;
    public const int MaxListItems = 5;
    public const int MaxCarouselListItems = 4;
    public const int MaxCarouselCards = 5;
    public const int MaxListItemTitle = 35;
    public const int MaxListHeader = 15;

    /// <summary>A choice longer than this is shown in a list card even when it is not one of the FAQ's questions.</summary>
    public const int MaxQuickReplyText = 20;

    private static readonly HashSet<string> HandoffOffers = BotTexts.All
        .SelectMany(t => new[] { t.HandoffOffer, t.HandoffOfferAfterNotHelped, t.HandoffOfferAfterFallbacks })
        .ToHashSet(StringComparer.Ordinal);

    // The FAQ's questions are offered as list items, whatever their length; the bot's short answers as quick replies.
    private readonly HashSet<string> _questions = knowledgeBase.Entries.Select(e => e.Question).ToHashSet(StringComparer.Ordinal);

    /// <summary>A response of one <c>simpleText</c>.</summary>
    public static KakaoSkillResponse Text(string text) =>
        new(new KakaoTemplate([new KakaoOutput { SimpleText = new KakaoSimpleText(KakaoPlainText.Truncate(text, MaxSimpleText)) }], null));

    /// <summary>The response to a turn's replies; <paramref name="webChatUrl"/> is where the rest of a long answer can be read.</summary>
    public KakaoSkillResponse From(IReadOnlyList<Activity> replies, string webChatUrl, string emptyText)
    {
        var messages = replies.Where(a => a.Type == ActivityTypes.Message && !string.IsNullOrWhiteSpace(a.Text)).ToList();
        if (messages.Count == 0)
        {
            return Text(emptyText);
        }

        var korean = messages.Any(m => Language.IsKorean(m.Text));
        var handedOff = replies.Any(a => a.Type == ActivityTypes.Event && a.Name == HandoffEventNames.InitiateHandoff);
        var parts = new List<Part>();
        for (var i = 0; i < messages.Count; i++)
        {
            var plain = KakaoPlainText.FromMarkdown(messages[i].Text);
            var operatorCard = HandoffOffers.Contains(messages[i].Text) || (handedOff && i == messages.Count - 1);
            parts.Add(new Part(plain, operatorCard ? OperatorButton(korean) : null));
        }

        var choices = messages.LastOrDefault(m => m.SuggestedActions?.Actions?.Count > 0)?.SuggestedActions.Actions ?? [];
        var questions = choices.Where(c => _questions.Contains(Sent(c)) || Sent(c).Length > MaxQuickReplyText).ToList();
        var list = questions.Count > 0 ? ListOutput(questions, korean) : null;
        var outputs = Pack(parts, MaxOutputs - (list is null ? 0 : 1), webChatUrl, korean);
        if (outputs is null || list is null)
        {
            // No room for the list beside the text: every choice becomes a quick reply.
            outputs ??= Pack(parts, MaxOutputs, webChatUrl, korean) ?? [.. Pack(parts, int.MaxValue, webChatUrl, korean)!.Take(MaxOutputs)];
            return new KakaoSkillResponse(new KakaoTemplate(outputs, QuickReplies(choices)));
        }

        outputs.Add(list);
        return new KakaoSkillResponse(new KakaoTemplate(outputs, QuickReplies(choices.Except(questions))));
    }

    private static KakaoButton OperatorButton(bool korean) => new(korean ? "상담원과 1:1 채팅" : "Talk to agent", "operator");

    /// <summary>
    /// The parts as outputs: runs of text joined and cut into <c>simpleText</c>s, cards kept; when
    /// that is more than <paramref name="budget"/>, the longest run ends with a card whose button
    /// opens the web chat; null when even that does not fit.
    /// </summary>
    private static List<KakaoOutput>? Pack(List<Part> parts, int budget, string webChatUrl, bool korean)
    {
        // A run is text to pack (consecutive messages joined) or a card kept as it is.
        var runs = new List<(string? Text, KakaoOutput? Card)>();
        foreach (var part in parts)
        {
            if (part.Button is not null)
            {
                runs.Add((null, Card(part.Text, part.Button)));
            }
            else if (runs.Count > 0 && runs[^1].Text is { } previous)
            {
                runs[^1] = ($"{previous}\n\n{part.Text}", null);
            }
            else
            {
                runs.Add((part.Text, null));
            }
        }

        var texts = runs.Select(r => r.Text is null ? null : KakaoPlainText.Split(r.Text, MaxSimpleText)).ToList();
        if (texts.Sum(t => t?.Count ?? 1) > budget)
        {
            // Whole paragraphs need more bubbles than there is room for: cut between sentences too, which fills each bubble.
            texts = [.. runs.Select(r => r.Text is null ? null : KakaoPlainText.Split(r.Text, MaxSimpleText, bySentence: true))];
        }

        var allowed = texts.Select(t => t?.Count ?? 1).ToArray();
        while (allowed.Sum() > budget)
        {
            var shortenable = Enumerable.Range(0, runs.Count).Where(i => texts[i] is not null && allowed[i] > 1).ToList();
            if (shortenable.Count == 0)
            {
                return null;
            }

            allowed[shortenable.MaxBy(i => allowed[i])]--;
        }

        var outputs = new List<KakaoOutput>();
        for (var i = 0; i < runs.Count; i++)
        {
            if (texts[i] is not { } chunks)
            {
                outputs.Add(runs[i].Card!);
                continue;
            }

            var whole = allowed[i] == chunks.Count;
            var shown = whole ? chunks.Count : allowed[i] - 1;
            outputs.AddRange(chunks.Take(shown).Select(c => new KakaoOutput { SimpleText = new KakaoSimpleText(c) }));
            if (!whole)
            {
                var rest = string.Join("\n\n", chunks.Skip(shown));
                outputs.Add(Card(rest, new KakaoButton(korean ? "웹 채팅에서 전체 보기" : "Read it all", "webLink", WebLinkUrl: webChatUrl)));
            }
        }

        return outputs;
    }

    private static KakaoOutput Card(string text, KakaoButton button) =>
        new() { TextCard = new KakaoTextCard(null, KakaoPlainText.Truncate(text, MaxCardText), [button]) };

    private static KakaoOutput ListOutput(List<CardAction> questions, bool korean)
    {
        var header = new KakaoListHeader(Shorten(korean ? "관련 질문" : "Questions", MaxListHeader));
        if (questions.Count <= MaxListItems)
        {
            return new KakaoOutput { ListCard = new KakaoListCard(header, [.. questions.Select(Item)]) };
        }

        var cards = questions.Chunk(MaxCarouselListItems).Take(MaxCarouselCards)
            .Select(chunk => new KakaoListCard(header, [.. chunk.Select(Item)]))
            .ToList();
        return new KakaoOutput { Carousel = new KakaoCarousel("listCard", cards) };
    }

    private static KakaoListItem Item(CardAction choice) => new(Shorten(Sent(choice), MaxListItemTitle), "message", Sent(choice));

    private static List<KakaoQuickReply>? QuickReplies(IEnumerable<CardAction> choices)
    {
        var replies = choices.Take(MaxQuickReplies)
            .Select(c => new KakaoQuickReply(Shorten(c.Title ?? Sent(c), MaxLabel), "message", Sent(c)))
            .ToList();
        return replies.Count == 0 ? null : replies;
    }

    // What a tap sends: the choice's value (the full question), else its title.
    private static string Sent(CardAction choice) => choice.Value as string ?? choice.Title ?? string.Empty;

    private static string Shorten(string text, int limit) =>
        text.Length <= limit ? text : string.Concat(text.AsSpan(0, limit - 1).TrimEnd(), "…");

    private sealed record Part(string Text, KakaoButton? Button);
}
