using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Tickets;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests.Dialogs;

/// <summary>Conversations in Korean: the bot's own words in Korean, FAQ answers in the FAQ's English after one Korean line.</summary>
[Collection(BotCollection.Name)]
public sealed class KoreanConversationTests(BotFixture fixture)
{
    private const string Email = "dev@example.com";

    private static readonly BotTexts Ko = BotTexts.Korean;
    private static readonly BotTexts En = BotTexts.English;

    private readonly MemoryTicketStore _tickets = new();

    private string AnswerOf(string id) => fixture.KnowledgeBase.Find(id)!.Answer;

    private string QuestionOf(string id) => fixture.KnowledgeBase.Find(id)!.Question;

    private TestFlow Flow(string? locale = null)
    {
        var adapter = BotFixture.CreateAdapter("korean");
        if (locale is not null)
        {
            adapter.Locale = locale;
        }

        return new TestFlow(adapter, fixture.CreateBot(tickets: _tickets));
    }

    private static Action<IActivity> IsKoreanAnswer(string answer) => a =>
    {
        Assert.Equal($"{Ko.EnglishFaqNotice}\n\n{answer}", a.Text());
        Assert.Equal(TextFormatTypes.Markdown, ((IMessageActivity)a).TextFormat);
    };

    private IReadOnlyList<string> KoreanTopics => fixture.KnowledgeBase.Categories.Select(Ko.Category).ToList();

    [Fact]
    public async Task A_korean_question_is_answered_with_the_english_faq_text_after_a_korean_line_then_asked_in_korean_if_it_helped()
    {
        await Flow()
            .Send("안드로이드 키해시 오류가 나요")
            .AssertReply(IsKoreanAnswer(AnswerOf("android-keyhash-mismatch")))
            .AssertReply(a =>
            {
                Assert.Equal(Ko.FeedbackQuestion, a.Text());
                var related = fixture.KnowledgeBase.Find("android-keyhash-mismatch")!.Related.Select(QuestionOf);
                Assert.Equal(["예", "아니요", .. related], a.Choices());
            })
            .Send("예")
            .AssertReply(TextIs(Ko.FeedbackThanks))
            .StartTestAsync();
    }

    [Fact]
    public async Task The_platform_question_is_asked_in_korean_and_a_platform_button_gets_the_korean_introduced_platform_answer()
    {
        var entry = fixture.KnowledgeBase.Find("login-screen-instead-of-kakaotalk")!;
        await Flow()
            .Send("로그인할 때 카카오톡 대신 카카오계정 로그인 화면이 떠요")
            .AssertReply(a =>
            {
                Assert.Equal("어떤 플랫폼을 사용하고 계신가요?", a.Text());
                Assert.Equal(["JavaScript", "Android", "iOS", "REST API"], a.Choices());
            })
            .Send("Android")
            .AssertReply(IsKoreanAnswer($"Android 기준 답변이에요.\n\n{entry.Platforms["android"]}"))
            .AssertReply(TextIs(Ko.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_platform_named_in_korean_with_a_particle_is_recognised()
    {
        var entry = fixture.KnowledgeBase.Find("login-screen-instead-of-kakaotalk")!;
        await Flow()
            .Send("카카오톡으로 로그인 안 하고 계정 입력창이 나와요")
            .AssertReply(TextIs(Ko.PlatformQuestion))
            .Send("아이폰이요")
            .AssertReply(IsKoreanAnswer($"iOS 기준 답변이에요.\n\n{entry.Platforms["ios"]}"))
            .AssertReply(TextIs(Ko.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_korean_question_out_of_scope_gets_the_korean_fallback_with_korean_topics_and_a_second_one_offers_a_ticket()
    {
        await Flow()
            .Send("오늘 서울 날씨 어때요")
            .AssertReply(TextIs("죄송해요, 그 질문에 대한 답변은 찾지 못했어요. 저는 카카오 디벨로퍼스 FAQ의 플랫폼과 앱 설정, SDK 오류, 카카오 로그인, " +
                "사용자 정보와 동의 항목, 카카오톡 소셜, 메시지, 카카오싱크 내용을 안내해 드려요."))
            .AssertReply(a =>
            {
                Assert.Equal(Ko.FallbackTips, a.Text());
                Assert.Equal([.. KoreanTopics, "상담원 연결"], a.Choices());
            })
            .Send("맛집 추천해 주세요")
            .AssertReply(TextIs(Ko.Fallback))
            .AssertReply(a =>
            {
                Assert.Equal(Ko.HandoffOfferAfterFallbacks, a.Text());
                Assert.Equal(["예", "아니요"], a.Choices());
            })
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task Asking_for_a_person_in_korean_goes_through_the_handoff_in_korean_and_creates_the_ticket()
    {
        await Flow()
            .Send("상담원 연결해 주세요")
            .AssertReply(a =>
            {
                Assert.Equal("지원팀에 문의 티켓을 만들어 드릴까요? 담당자가 이 대화를 읽고 이메일로 답변드려요.", a.Text());
                Assert.Equal(["예", "아니요"], a.Choices());
            })
            .Send("예")
            .AssertReply(TextIs(Ko.EmailQuestion))
            .Send("not an email")
            .AssertReply(TextIs(Ko.EmailAgain))
            .Send(Email)
            .AssertReply(a =>
            {
                Assert.Equal(Ko.SummaryQuestion, a.Text());
                Assert.Equal(["건너뛰기"], a.Choices());
            })
            .Send("건너뛰기")
            .AssertReply(TextIs(string.Format(CultureInfo.InvariantCulture, Ko.TicketCreated, "SB-000001", Email)))
            .AssertReply(a => Assert.Equal(ActivityTypes.Event, a.Type))
            .StartTestAsync();

        var ticket = Assert.Single((await _tickets.ListAsync(new TicketQuery())).Items);
        Assert.Equal(Email, ticket.Email);
        Assert.Null(ticket.Summary);
    }

    [Fact]
    public async Task The_korean_talk_to_a_person_button_and_no_decline_the_ticket_in_korean()
    {
        await Flow()
            .Send("상담원 연결")
            .AssertReply(TextIs(Ko.HandoffOffer))
            .Send("아니요")
            .AssertReply(TextIs(string.Format(CultureInfo.InvariantCulture, Ko.HandoffDeclined, "korean")))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_close_call_in_korean_asks_did_you_mean_in_korean_and_none_of_these_falls_back_in_korean()
    {
        await Flow()
            .Send("앱 관리자 변경하는 법")
            .AssertReply(a =>
            {
                Assert.Equal(Ko.DidYouMean, a.Text());
                Assert.Contains(QuestionOf("change-app-owner"), a.Choices());
                Assert.Equal("해당 없음", a.Choices()[^1]);
            })
            .Send("해당 없음")
            .AssertReply(TextIs(Ko.Fallback))
            .AssertReply(TextIs(Ko.FallbackTips))
            .StartTestAsync();
    }

    [Fact]
    public async Task Korean_small_talk_is_answered_in_korean()
    {
        await Flow()
            .Send("안녕하세요")
            .AssertReply(TextIs(Ko.SmallTalk(fixture.KnowledgeBase.FindSmallTalk("greeting")!)))
            .Send("감사합니다")
            .AssertReply(TextIs("천만에요! 다른 궁금한 점이 있으면 언제든 물어봐 주세요."))
            .Send("도움말")
            .AssertReply(a =>
            {
                Assert.Equal(Ko.Help, a.Text());
                Assert.Equal([.. KoreanTopics, "상담원 연결"], a.Choices());
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task A_korean_topic_name_lists_that_topics_questions_under_a_korean_heading()
    {
        await Flow()
            .Send("카카오 로그인")
            .AssertReply(a =>
            {
                Assert.Equal("카카오 로그인 관련 질문이에요.", a.Text());
                Assert.Equal(fixture.KnowledgeBase.InCategory("Kakao Login").Select(e => e.Question), a.Choices());
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task Mixed_korean_and_english_each_new_question_is_answered_in_its_own_language()
    {
        await Flow()
            .Send("redirect uri 에러")
            .AssertReply(IsKoreanAnswer(AnswerOf("invalid-redirect-error")))
            .AssertReply(TextIs(Ko.FeedbackQuestion))
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(En.FeedbackQuestion))
            .Send("로그아웃이 안 돼요")
            .AssertReply(IsKoreanAnswer(AnswerOf("cannot-log-out")))
            .AssertReply(TextIs(Ko.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_faq_question_button_clicked_in_a_korean_conversation_is_answered_in_korean()
    {
        await Flow()
            .Send("카카오 로그인")
            .AssertReply(TextIs("카카오 로그인 관련 질문이에요."))
            .Send(QuestionOf("invalid-redirect-error"))
            .AssertReply(IsKoreanAnswer(AnswerOf("invalid-redirect-error")))
            .AssertReply(TextIs(Ko.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_ko_KR_locale_gets_korean_even_for_english_words()
    {
        var joined = new Activity(ActivityTypes.ConversationUpdate)
        {
            MembersAdded = [new ChannelAccount("user1", "User"), new ChannelAccount("bot", "Bot")],
            Recipient = new ChannelAccount("bot", "Bot"),
            Locale = "ko-KR",
        };

        await Flow(locale: "ko-KR")
            .Send(joined)
            .AssertReply(a =>
            {
                Assert.Equal(Ko.Welcome, a.Text());
                Assert.Equal(KoreanTopics, a.Choices());
            })
            .Send("keyhash mismatch android")
            .AssertReply(IsKoreanAnswer(AnswerOf("android-keyhash-mismatch")))
            .AssertReply(TextIs(Ko.FeedbackQuestion))
            .Send("cancel")
            .AssertReply(TextIs(Ko.Cancelled))
            .StartTestAsync();
    }

    [Fact]
    public async Task Korean_cancel_starts_over_in_korean()
    {
        await Flow()
            .Send("로그인할 때 카카오톡 대신 카카오계정 로그인 화면이 떠요")
            .AssertReply(TextIs(Ko.PlatformQuestion))
            .Send("취소")
            .AssertReply(a =>
            {
                Assert.Equal("네, 처음부터 다시 시작할게요. 무엇을 도와드릴까요?", a.Text());
                Assert.Equal(KoreanTopics, a.Choices());
            })
            .StartTestAsync();
    }
}
