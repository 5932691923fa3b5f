using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Dialogs;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;

namespace SupportBot.Bot.Tests.Dialogs;

/// <summary>
/// A Kakao question the FAQ does not answer (issue 19): the fallback names the area, says the FAQ
/// does not cover it, links the area's documentation and DevTalk, then offers a person.
/// </summary>
[Collection(BotCollection.Name)]
public sealed class AreaFallbackTests(BotFixture fixture)
{
    private static readonly BotTexts En = BotTexts.English;
    private static readonly BotTexts Ko = BotTexts.Korean;

    private TestFlow Flow() => new(BotFixture.CreateAdapter("areas"), fixture.CreateBot());

    [Fact]
    public async Task An_english_question_about_kakao_pay_gets_the_kakao_pay_documentation_devtalk_and_a_person()
    {
        await Flow()
            .Send("kakao pay refund api")
            .AssertReply(a =>
            {
                Assert.Equal(
                    "That sounds like a question about Kakao Pay, and the Kakao Developers FAQ I answer from does not cover it, so I won't guess. " +
                    "The Kakao Pay documentation is the place to look:\n\n- https://developers.kakaopay.com/docs/payment/online/common\n\n" +
                    "You can also ask Kakao's team in DevTalk, the Kakao Developers forum: https://devtalk.kakao.com",
                    a.Text());
                Assert.Equal(TextFormatTypes.Markdown, ((IMessageActivity)a).TextFormat);
            })
            .AssertReply(a =>
            {
                Assert.Equal(En.AreaFallbackPerson, a.Text());
                Assert.Equal([En.TalkToPerson, .. fixture.KnowledgeBase.Categories], a.Choices());
            })
            .AssertNoReply()
            .Send(En.TalkToPerson)
            .AssertReply(TextStartsWith(En.HandoffOffer))
            .StartTestAsync();
    }

    [Fact]
    public async Task An_english_token_lifetime_question_gets_the_kakao_login_documentation()
    {
        await Flow()
            .Send("how long is a kakao access token valid")
            .AssertReply(a =>
            {
                Assert.StartsWith("That sounds like a question about Kakao Login,", a.Text(), StringComparison.Ordinal);
                Assert.Contains("- https://developers.kakao.com/docs/latest/en/kakaologin/common", a.Text(), StringComparison.Ordinal);
                Assert.Contains("https://devtalk.kakao.com", a.Text(), StringComparison.Ordinal);
            })
            .AssertReply(TextIs(En.AreaFallbackPerson))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_korean_question_gets_the_area_in_korean_with_the_korean_documentation()
    {
        await Flow()
            .Send("리프레시 토큰 만료 기간")
            .AssertReply(TextIs(
                "카카오 로그인 관련 질문으로 보여요. 제가 안내하는 카카오 디벨로퍼스 FAQ에는 이 내용이 없어서 짐작으로 답하지 않을게요. 카카오 로그인 문서를 확인해 보세요.\n\n" +
                "- https://developers.kakao.com/docs/latest/ko/kakaologin/common\n\n" +
                "카카오 디벨로퍼스 포럼인 데브톡(https://devtalk.kakao.com)에서 카카오 팀에 직접 물어보실 수도 있어요."))
            .AssertReply(a =>
            {
                Assert.Equal(Ko.AreaFallbackPerson, a.Text());
                Assert.Equal([Ko.TalkToPerson, .. fixture.KnowledgeBase.Categories.Select(Ko.Category)], a.Choices());
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task An_off_topic_question_gets_the_general_fallback()
    {
        await Flow()
            .Send("what's the weather like in seoul tomorrow")
            .AssertReply(TextIs(En.Fallback))
            .AssertReply(TextIs(En.FallbackTips))
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task A_second_question_in_a_row_outside_the_faq_names_its_area_and_offers_a_ticket()
    {
        await Flow()
            .Send("what's the weather like in seoul tomorrow")
            .AssertReply(TextIs(En.Fallback))
            .AssertReply(TextIs(En.FallbackTips))
            .Send("how do i send alimtalk from my server")
            .AssertReply(TextStartsWith("That sounds like a question about Kakao business messages (AlimTalk, FriendTalk),"))
            .AssertReply(TextIs(En.HandoffOfferAfterFallbacks))
            .AssertNoReply()
            .StartTestAsync();
    }
}
