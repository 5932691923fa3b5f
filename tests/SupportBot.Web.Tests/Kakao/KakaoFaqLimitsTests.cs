using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Dialogs;
using SupportBot.Core.Knowledge;
using SupportBot.Web.Channels.Kakao;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>
/// Every FAQ answer (all 52, whole and per platform) in English and in Korean, with its feedback
/// question, and every other message the bot sends with choices, mapped to a skill response:
/// each within Kakao's limits, and each answer shown whole; a longer text ends with a button to the web chat.
/// </summary>
public sealed partial class KakaoFaqLimitsTests
{
    private const string WebChat = "https://bot.example.com/";

    private static readonly KnowledgeBase Faq = TrainingDataLoader.LoadKnowledgeBase(TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory));

    private static readonly Replies Replies = new(Faq);

    private static readonly KakaoSkillTemplate Template = new(Faq);

    public static TheoryData<string, string> Answers()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in Faq.Entries)
        {
            foreach (var texts in BotTexts.All)
            {
                data.Add(entry.Id, texts.Language);
            }
        }

        return data;
    }

    [Fact]
    public void The_faq_has_the_52_answers_these_tests_walk()
    {
        Assert.Equal(52, Faq.Entries.Count);
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void An_faq_answer_and_its_feedback_question_fit_kakaos_limits_and_are_shown_whole(string entryId, string language)
    {
        var entry = Faq.Find(entryId)!;
        var texts = BotTexts.For(language);
        var answers = new List<(string? Platform, IMessageActivity Answer)> { (null, Replies.Answer(texts, entry)) };
        answers.AddRange(entry.Platforms.Keys.Select(p => ((string?)p, Replies.Answer(texts, entry, p))));

        foreach (var (platform, answer) in answers)
        {
            var response = Map(answer, Replies.Feedback(texts, entry));

            var shown = string.Join("\n\n", KakaoSkill.Texts(response));
            var whole = KakaoPlainText.FromMarkdown(answer.Text);
            // Today every answer fits whole (cut between sentences where paragraphs do not); the web chat button is for longer ones.
            Assert.DoesNotContain(KakaoSkill.Buttons(response), b => (string?)b["action"] == "webLink");
            Assert.True(NoSpace(shown).Contains(NoSpace(whole), StringComparison.Ordinal), $"{entryId} ({platform ?? "whole"}, {language}) is not shown whole: {shown}");
            Assert.EndsWith(texts.FeedbackQuestion, shown, StringComparison.Ordinal);

            Assert.Equal([texts.Yes, texts.No], KakaoSkill.QuickReplies(response).Select(r => r.MessageText).Take(2));
            Assert.Equal(entry.Related.Select(id => Faq.Find(id)!.Question), KakaoSkill.ListItems(response));
        }
    }

    [Fact]
    public void Browsing_each_topic_in_each_language_lists_its_questions_within_kakaos_limits()
    {
        foreach (var texts in BotTexts.All)
        {
            foreach (var category in Faq.Categories)
            {
                var response = Map(Replies.Browse(texts, category));

                Assert.Equal(Faq.InCategory(category).Select(e => e.Question).Take(20), KakaoSkill.ListItems(response));
            }
        }
    }

    [Fact]
    public void The_welcome_help_fallback_and_handoff_offer_fit_kakaos_limits_in_each_language()
    {
        foreach (var texts in BotTexts.All)
        {
            Map(Replies.Welcome(texts));
            Map(Replies.Help(texts));
            Map([.. Replies.Fallback(texts)]);
            var offer = Map(Replies.WithChoices(texts.HandoffOffer, [texts.Yes, texts.No]));
            Assert.Equal("operator", (string?)Assert.Single(KakaoSkill.Buttons(offer))["action"]);
        }
    }

    [Fact]
    public void A_message_too_long_for_three_outputs_ends_with_a_card_whose_button_opens_the_web_chat()
    {
        var paragraphs = string.Join("\n\n", Enumerable.Range(1, 40).Select(i => $"Paragraph {i} says something useful about **Kakao Login** in about a hundred characters, then stops."));

        var response = Map(Replies.Markdown(paragraphs), Replies.Feedback(BotTexts.English, Faq.Entries[0]));

        var outputs = KakaoSkill.Outputs(response);
        Assert.Equal(KakaoSkillTemplate.MaxOutputs, outputs.Count);
        Assert.StartsWith("Paragraph 1 says something useful about Kakao Login", KakaoSkill.Texts(response)[0], StringComparison.Ordinal);
        var button = Assert.Single(KakaoSkill.Buttons(response));
        Assert.Equal("webLink", (string?)button["action"]);
        Assert.Equal(WebChat, (string?)button["webLinkUrl"]);
    }

    private static JsonObject Map(params IMessageActivity[] messages)
    {
        var replies = messages.Cast<Activity>().ToList();
        var response = Template.From(replies, WebChat, KakaoSkillChannel.TryAgainText);
        var json = JsonNode.Parse(JsonSerializer.Serialize(response, KakaoJson.Options))!.AsObject();
        KakaoLimits.AssertWithin(json);
        return json;
    }

    private static string NoSpace(string text) => Whitespace().Replace(text, string.Empty);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
