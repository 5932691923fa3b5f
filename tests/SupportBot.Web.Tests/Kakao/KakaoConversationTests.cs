using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Answers;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;
using SupportBot.Web.Channels.Kakao;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>One KakaoTalk user's conversation over several skill calls: the dialogs continue across calls as in Web Chat.</summary>
[Collection(WebHostCollection.Name)]
public sealed partial class KakaoConversationTests(KakaoSkillHost host) : IClassFixture<KakaoSkillHost>
{
    private static readonly BotTexts Ko = BotTexts.Korean;

    [Fact]
    public async Task The_platform_question_of_one_call_is_answered_by_the_quick_reply_of_the_next()
    {
        var entry = host.Factory.Services.GetRequiredService<KnowledgeBase>().Find("login-screen-instead-of-kakaotalk")!;
        var user = KakaoSkill.NewUserKey();

        var asked = await KakaoSkill.AskAsync(host.Client, KakaoSkill.Request("로그인할 때 카카오톡 대신 카카오계정 로그인 화면이 떠요", user));

        Assert.Equal([Ko.PlatformQuestion], KakaoSkill.Texts(asked));
        var platforms = KakaoSkill.QuickReplies(asked);
        Assert.Equal(["JavaScript", "Android", "iOS", "REST API"], platforms.Select(p => p.MessageText));

        var answered = await KakaoSkill.AskAsync(host.Client, KakaoSkill.Request(platforms[1].MessageText, user));

        var text = string.Join("\n\n", KakaoSkill.Texts(answered));
        Assert.StartsWith($"{AnswerTexts.EnglishFaqNotice(Language.Korean)}\n\n{BotTexts.Format(Ko.PlatformAnswerIntro, "Android")}", text, StringComparison.Ordinal);
        Assert.Contains(KakaoPlainText.FromMarkdown(entry.Platforms["android"]), text, StringComparison.Ordinal);
        Assert.DoesNotContain("JavaScript", text, StringComparison.Ordinal);
        Assert.EndsWith(Ko.FeedbackQuestion, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_a_person_offers_kakaos_operator_button_and_a_ticket_on_channel_kakao()
    {
        var user = KakaoSkill.NewUserKey();

        var offer = await KakaoSkill.AskAsync(host.Client, KakaoSkill.Request(Ko.TalkToPerson, user));

        var operatorButton = Assert.Single(KakaoSkill.Buttons(offer));
        Assert.Equal("operator", (string?)operatorButton["action"]);
        Assert.Equal([Ko.HandoffOffer], KakaoSkill.Texts(offer));
        Assert.Equal([Ko.Yes, Ko.No], KakaoSkill.QuickReplies(offer).Select(q => q.MessageText));

        Assert.Equal([Ko.EmailQuestion], KakaoSkill.Texts(await KakaoSkill.AskAsync(host.Client, KakaoSkill.Request(Ko.Yes, user))));
        var summary = await KakaoSkill.AskAsync(host.Client, KakaoSkill.Request("kakao.user@example.com", user));
        Assert.Equal([Ko.SummaryQuestion], KakaoSkill.Texts(summary));
        var created = await KakaoSkill.AskAsync(host.Client, KakaoSkill.Request(KakaoSkill.QuickReplies(summary).Single().MessageText, user));

        Assert.Equal("operator", (string?)Assert.Single(KakaoSkill.Buttons(created))["action"]);
        var number = TicketNumber().Match(string.Join("\n", KakaoSkill.Texts(created))).Value;
        var ticket = await host.Factory.Services.GetRequiredService<ITicketStore>().FindAsync(number);
        Assert.NotNull(ticket);
        Assert.Equal(KakaoSkillChannel.ChannelId, ticket.Requester.ChannelId);
        Assert.Equal(KakaoSkillChannel.ConversationId(KakaoSkill.BotId, user), ticket.Requester.ConversationId);
        Assert.Equal(user, ticket.Requester.UserId);
        Assert.Equal("kakao.user@example.com", ticket.Email);
    }

    [GeneratedRegex(@"SB-\d{6}")]
    private static partial Regex TicketNumber();
}
