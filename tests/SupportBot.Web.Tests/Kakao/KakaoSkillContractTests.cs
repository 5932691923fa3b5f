using System.Text.Json.Nodes;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Insights;
using SupportBot.Core.Answers;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;
using SupportBot.Web.Channels.Kakao;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>Skill requests of the shapes Kakao i Open Builder documents (Kakao/Fixtures), answered as skill responses of version 2.0 within Kakao's limits.</summary>
[Collection(WebHostCollection.Name)]
public sealed class KakaoSkillContractTests(KakaoSkillHost host) : IClassFixture<KakaoSkillHost>
{
    private static readonly BotTexts Ko = BotTexts.Korean;

    public static TheoryData<string> Fixtures => new(KakaoSkill.FixtureNames());

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Each_documented_request_shape_gets_a_version_2_answer_within_kakaos_limits(string fixture)
    {
        var response = await KakaoSkill.AskAsync(host.Client, Fresh(fixture));

        Assert.NotEmpty(KakaoSkill.Texts(response));
    }

    [Fact]
    public async Task A_korean_question_with_lang_ko_gets_the_korean_notice_before_the_english_faq_answer_and_korean_feedback_choices()
    {
        var entry = KnowledgeBase.Find("android-keyhash-mismatch")!;

        var response = await KakaoSkill.AskAsync(host.Client, Fresh("text-input.json"));

        var text = string.Join("\n\n", KakaoSkill.Texts(response));
        Assert.StartsWith(AnswerTexts.EnglishFaqNotice(Language.Korean)!, text, StringComparison.Ordinal);
        Assert.Contains(KakaoPlainText.FromMarkdown(entry.Answer).Split("\n\n")[0], text, StringComparison.Ordinal);
        Assert.EndsWith(Ko.FeedbackQuestion, text, StringComparison.Ordinal);
        Assert.Equal([Ko.Yes, Ko.No], KakaoSkill.QuickReplies(response).Select(q => q.MessageText));
    }

    [Fact]
    public async Task Lang_kr_as_in_the_guides_example_gives_the_korean_texts_to_an_english_word()
    {
        var response = await KakaoSkill.AskAsync(host.Client, Fresh("lang-kr.json"));

        Assert.Equal(KakaoPlainText.FromMarkdown(Ko.Help), Assert.Single(KakaoSkill.Texts(response)));
        Assert.Equal([.. KnowledgeBase.Categories.Select(Ko.Category), Ko.TalkToPerson], KakaoSkill.QuickReplies(response).Select(q => q.MessageText));
    }

    [Fact]
    public async Task An_english_question_with_lang_ko_gets_the_english_texts_without_the_korean_notice()
    {
        var response = await KakaoSkill.AskAsync(host.Client, Fresh("lang-ko-english-question.json"));

        var texts = KakaoSkill.Texts(response);
        Assert.DoesNotContain(texts, t => Language.IsKorean(t));
        Assert.Equal(BotTexts.English.FeedbackQuestion, texts[^1].Split("\n\n")[^1]);
        Assert.Equal([BotTexts.English.Yes, BotTexts.English.No], KakaoSkill.QuickReplies(response).Select(q => q.MessageText));
    }

    [Fact]
    public async Task A_topic_button_with_client_extra_browses_the_topic_as_list_cards_that_send_the_whole_questions()
    {
        var questions = KnowledgeBase.InCategory("Kakao Login").Select(e => e.Question).ToList();

        var response = await KakaoSkill.AskAsync(host.Client, Fresh("button-client-extra.json"));

        Assert.Equal(questions.Take(KakaoSkillTemplate.MaxCarouselListItems * KakaoSkillTemplate.MaxCarouselCards), KakaoSkill.ListItems(response));
        Assert.Contains(KakaoSkill.Outputs(response), o => o["listCard"] is not null || o["carousel"] is not null);
    }

    [Fact]
    public async Task A_request_without_the_optional_fields_is_answered_in_the_language_of_its_text()
    {
        var response = await KakaoSkill.AskAsync(host.Client, Fresh("missing-optional-fields.json"));

        Assert.True(Language.IsKorean(KakaoSkill.Texts(response)[0]), response.ToJsonString());
    }

    [Fact]
    public async Task A_skill_turn_is_in_the_transcript_on_channel_kakao_under_the_users_conversation_as_from_the_bot_user_key_and_in_the_question_log()
    {
        var request = Fresh("text-input.json");
        var userKey = (string)request["userRequest"]!["user"]!["id"]!;

        await KakaoSkill.AskAsync(host.Client, request);

        var transcripts = host.Factory.Services.GetRequiredService<ITranscriptStore>();
        var conversationId = KakaoSkillChannel.ConversationId(KakaoSkill.BotId, userKey);
        List<IActivity> logged = [];
        await Eventually.UntilAsync(
            async () =>
            {
                logged = [.. (await transcripts.GetTranscriptActivitiesAsync(KakaoSkillChannel.ChannelId, conversationId)).Items];
                return logged.Count(a => a.Type == ActivityTypes.Message) >= 3;
            },
            "the question and the bot's replies in the transcript");
        var question = Assert.Single(logged, a => a.Type == ActivityTypes.Message && a.From?.Id == userKey);
        Assert.Equal("안드로이드 키해시 오류가 나요", ((IMessageActivity)question).Text);
        Assert.All(logged, a => Assert.Equal(KakaoSkillChannel.ChannelId, a.ChannelId));

        // The dashboard counts conversations and questions from the question log, whatever the channel.
        var insights = host.Factory.Services.GetRequiredService<IQuestionInsights>();
        var asked = await insights.ListAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), 100_000);
        Assert.Equal("안드로이드 키해시 오류가 나요", Assert.Single(asked, q => q.ConversationId == conversationId).Text);
    }

    private KnowledgeBase KnowledgeBase => host.Factory.Services.GetRequiredService<KnowledgeBase>();

    // The fixture as a user of its own, so that no test continues another's conversation.
    private static JsonObject Fresh(string fixture)
    {
        var request = KakaoSkill.Fixture(fixture);
        request["userRequest"]!["user"]!["id"] = KakaoSkill.NewUserKey();
        return request;
    }
}
