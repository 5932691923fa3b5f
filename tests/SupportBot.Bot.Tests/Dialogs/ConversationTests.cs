using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Dialogs;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;

namespace SupportBot.Bot.Tests.Dialogs;

[Collection(BotCollection.Name)]
public sealed class ConversationTests(BotFixture fixture)
{
    private readonly IBot _bot = fixture.CreateBot();

    private string AnswerOf(string id) => fixture.KnowledgeBase.Find(id)!.Answer;

    private string QuestionOf(string id) => fixture.KnowledgeBase.Find(id)!.Question;

    private TestFlow Flow() => new(BotFixture.CreateAdapter(), _bot);

    [Fact]
    public async Task Joining_the_conversation_gets_a_welcome_with_the_faq_categories()
    {
        var joined = new Activity(ActivityTypes.ConversationUpdate)
        {
            MembersAdded = [new ChannelAccount("user1", "User"), new ChannelAccount("bot", "Bot")],
            Recipient = new ChannelAccount("bot", "Bot"),
        };

        await Flow()
            .Send(joined)
            .AssertReply(a =>
            {
                Assert.StartsWith("Hi, I'm SupportBot.", a.Text(), StringComparison.Ordinal);
                Assert.Equal(fixture.KnowledgeBase.Categories, a.Choices());
            })
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task Asking_about_keyhash_answers_the_android_keyhash_entry_then_asks_if_it_helped()
    {
        await Flow()
            .Send("keyhash mismatch android")
            .AssertReply(a =>
            {
                Assert.Equal(AnswerOf("android-keyhash-mismatch"), a.Text());
                Assert.Equal(TextFormatTypes.Markdown, ((IMessageActivity)a).TextFormat);
            })
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.FeedbackQuestion, a.Text());
                var related = fixture.KnowledgeBase.Find("android-keyhash-mismatch")!.Related.Select(QuestionOf);
                Assert.Equal([BotTexts.English.Yes, BotTexts.English.No, .. related], a.Choices());
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task Answers_keep_their_markdown_tables()
    {
        await Flow()
            .Send(QuestionOf("login-screen-instead-of-kakaotalk"))
            .AssertReply(TextIs(BotTexts.English.PlatformQuestion))
            .Send("not sure")
            .AssertReply(TextIs(BotTexts.English.PlatformAgain))
            .Send("no idea")
            .AssertReply(a => Assert.Contains("| Platform | Parameter | Description |", a.Text(), StringComparison.Ordinal))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task Yes_to_did_this_help_is_thanked()
    {
        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.FeedbackThanks))
            .StartTestAsync();
    }

    [Fact]
    public async Task No_to_did_this_help_offers_the_next_best_entries_and_a_person()
    {
        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("no")
            .AssertReply(a =>
            {
                Assert.StartsWith(BotTexts.English.MaybeOneOfThese, a.Text(), StringComparison.Ordinal);
                var choices = a.Choices();
                Assert.Equal(4, choices.Count);
                Assert.DoesNotContain(QuestionOf("change-app-owner"), choices);
                Assert.Contains(QuestionOf(fixture.KnowledgeBase.Find("change-app-owner")!.Related[0]), choices);
                Assert.All(choices.SkipLast(1), c => Assert.Contains(fixture.KnowledgeBase.Entries, e => e.Question == c));
                Assert.Equal(BotTexts.English.TalkToPerson, choices[^1]);
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task Picking_an_alternative_after_no_answers_it()
    {
        string? alternative = null;
        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("no")
            .AssertReply(a => alternative = a.Choices()[0])
            .StartTestAsync();

        var entry = fixture.KnowledgeBase.Entries.Single(e => e.Question == alternative);
        await Flow()
            .Send(alternative!)
            .AssertReply(a => Assert.True(a.Text() == entry.Answer || a.Text() == BotTexts.English.PlatformQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_close_call_asks_did_you_mean_and_answers_the_pick()
    {
        IReadOnlyList<string> candidates = [];
        var flow = Flow()
            .Send("login problem")
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.DidYouMean, a.Text());
                candidates = a.Choices();
                Assert.InRange(candidates.Count, 2, 4);
                Assert.Equal(BotTexts.English.NoneOfThese, candidates[^1]);
            });
        await flow.StartTestAsync();

        var picked = fixture.KnowledgeBase.Entries.Single(e => e.Question == candidates[0]);
        await flow
            .Send(candidates[0])
            .AssertReply(TextIs(picked.Answer))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task None_of_these_falls_back_honestly()
    {
        await Flow()
            .Send("login problem")
            .AssertReply(TextIs(BotTexts.English.DidYouMean))
            .Send(BotTexts.English.NoneOfThese)
            .AssertReply(TextIs(BotTexts.English.Fallback))
            .AssertReply(a => Assert.Contains(BotTexts.English.TalkToPerson, a.Choices()))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("what's the weather like in seoul tomorrow")]
    [InlineData("how do i center a div with flexbox")]
    [InlineData("best kimchi stew recipe")]
    public async Task Out_of_scope_questions_get_the_fallback_not_a_guess(string question)
    {
        await Flow()
            .Send(question)
            .AssertReply(TextIs(BotTexts.English.Fallback))
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.FallbackTips, a.Text());
                Assert.Equal([.. fixture.KnowledgeBase.Categories, BotTexts.English.TalkToPerson], a.Choices());
            })
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task A_category_name_lists_its_questions_and_picking_one_answers_it()
    {
        var login = fixture.KnowledgeBase.InCategory("Kakao Login");

        await Flow()
            .Send("kakao login")
            .AssertReply(a =>
            {
                Assert.Equal("Questions about Kakao Login:", a.Text());
                Assert.Equal(login.Select(e => e.Question), a.Choices());
            })
            .Send(QuestionOf("cannot-log-out"))
            .AssertReply(TextIs(AnswerOf("cannot-log-out")))
            .StartTestAsync();
    }

    [Fact]
    public async Task The_login_screen_question_asks_for_the_platform_and_answers_that_platforms_part()
    {
        await Flow()
            .Send("the kakao account login page shows up instead of kakaotalk")
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.PlatformQuestion, a.Text());
                Assert.Equal(["JavaScript", "Android", "iOS", "REST API"], a.Choices());
            })
            .Send("iOS")
            .AssertReply(a =>
            {
                Assert.StartsWith("For iOS:", a.Text(), StringComparison.Ordinal);
                Assert.Contains("| iOS | authType |", a.Text(), StringComparison.Ordinal);
                Assert.DoesNotContain("| Android |", a.Text(), StringComparison.Ordinal);
            })
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task Naming_the_platform_in_the_question_answers_directly()
    {
        await Flow()
            .Send("android login opens account page not kakaotalk")
            .AssertReply(a =>
            {
                Assert.StartsWith("For Android:", a.Text(), StringComparison.Ordinal);
                Assert.Contains("KAKAO_TALK", a.Text(), StringComparison.Ordinal);
            })
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task The_rest_api_part_says_only_account_and_password_login_works()
    {
        await Flow()
            .Send("login screen for kakao account appears instead of kakao talk")
            .AssertReply(TextIs(BotTexts.English.PlatformQuestion))
            .Send("REST API")
            .AssertReply(TextContains("When using a REST API, users can log in with their Kakao Accounts and passwords only."))
            .StartTestAsync();
    }

    [Fact]
    public async Task Cancel_mid_dialog_ends_it()
    {
        await Flow()
            .Send("the kakao account login page shows up instead of kakaotalk")
            .AssertReply(TextIs(BotTexts.English.PlatformQuestion))
            .Send("cancel")
            .AssertReply(TextIs(BotTexts.English.Cancelled))
            .Send("thanks")
            .AssertReply(TextIs(fixture.KnowledgeBase.FindSmallTalk("thanks")!.Reply))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("help")]
    [InlineData("Menu")]
    public async Task Help_or_menu_works_anywhere(string command)
    {
        await Flow()
            .Send("the kakao account login page shows up instead of kakaotalk")
            .AssertReply(TextIs(BotTexts.English.PlatformQuestion))
            .Send(command)
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.Help, a.Text());
                Assert.Contains("Kakao Sync", a.Choices());
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task A_new_question_instead_of_feedback_is_answered()
    {
        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("I get Invalid redirect when requesting the authorization code")
            .AssertReply(TextIs(AnswerOf("invalid-redirect-error")))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("hello there", "greeting")]
    [InlineData("thanks a lot", "thanks")]
    [InlineData("bye", "goodbye")]
    public async Task Small_talk_gets_its_reply(string utterance, string intent)
    {
        await Flow()
            .Send(utterance)
            .AssertReply(TextIs(fixture.KnowledgeBase.FindSmallTalk(intent)!.Reply))
            .StartTestAsync();
    }

    [Fact]
    public async Task An_attachment_without_text_is_told_the_bot_reads_text()
    {
        var picture = MessageFactory.Attachment(new Attachment("image/png", "http://localhost/screenshot.png"));

        await Flow()
            .Send(picture)
            .AssertReply(TextIs(BotTexts.English.NonText))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("🙂🙂")]
    public async Task An_empty_message_gets_a_prompt(string text)
    {
        await Flow()
            .Send(text)
            .AssertReply(TextIs(BotTexts.English.Empty))
            .StartTestAsync();
    }

    [Fact]
    public async Task Unknown_activity_types_and_reactions_are_ignored()
    {
        var reaction = new Activity(ActivityTypes.MessageReaction) { ReactionsAdded = [new MessageReaction("like")] };

        await Flow()
            .Send(new Activity("someFutureActivityType"))
            .Send(reaction)
            .AssertNoReply()
            .Send("hello")
            .AssertReply(TextIs(fixture.KnowledgeBase.FindSmallTalk("greeting")!.Reply))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_huge_message_is_answered_without_error()
    {
        await Flow()
            .Send("keyhash mismatch android " + new string('a', 20_000))
            .AssertReply(a => Assert.NotEmpty(a.Text()))
            .StartTestAsync();
    }
}
