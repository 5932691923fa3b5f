using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Tickets;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests.Dialogs;

/// <summary>The handoff to a person: each way it is offered, the email and summary, the ticket, and the handoff event.</summary>
[Collection(BotCollection.Name)]
public sealed class HandoffTests(BotFixture fixture)
{
    private const string Email = "dev@example.com";

    private readonly MemoryStorage _storage = new();
    private readonly MemoryTicketStore _tickets = new();
    private readonly MemoryTranscriptStore _transcripts = new();

    private string AnswerOf(string id) => fixture.KnowledgeBase.Find(id)!.Answer;

    /// <summary>A conversation recorded in the transcript store, as the host records it; a user named by <paramref name="user"/>.</summary>
    private TestFlow Flow(string conversation = "handoff", string user = "User1")
    {
        var adapter = new TestAdapter(TestAdapter.CreateConversation(conversation, user));
        adapter.Use(new TranscriptLoggerMiddleware(_transcripts));
        return new TestFlow(adapter, fixture.CreateBot(_storage, _tickets, _transcripts));
    }

    private static string Created(string number, string email) =>
        string.Format(CultureInfo.InvariantCulture, BotTexts.English.TicketCreated, number, email);

    private static Action<IActivity> IsOffer(string text) => a =>
    {
        Assert.Equal(text, a.Text());
        Assert.Equal([BotTexts.English.Yes, BotTexts.English.No], a.Choices());
    };

    private static Action<IActivity> IsHandoffEvent => a => Assert.Equal(HandoffEventNames.InitiateHandoff, ((IEventActivity)a).Name);

    private async Task<IReadOnlyList<Ticket>> TicketsAsync() => (await _tickets.ListAsync(new TicketQuery())).Items;

    [Theory]
    [InlineData("can I talk to a real person")]
    [InlineData("i want to talk to an actual person")]
    [InlineData("agent")]
    [InlineData("Talk to a person")]
    public async Task Asking_for_a_person_in_any_known_phrasing_offers_a_ticket(string utterance)
    {
        await Flow()
            .Send(utterance)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task Yes_an_email_and_a_summary_create_a_ticket_with_the_conversation_and_tell_its_number()
    {
        await Flow()
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send(Email)
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.SummaryQuestion, a.Text());
                Assert.Equal([BotTexts.English.Skip], a.Choices());
            })
            .Send("The key hash is registered but login still fails")
            .AssertReply(TextIs(Created("SB-000001", Email)))
            .AssertReply(IsHandoffEvent)
            .AssertNoReply()
            .StartTestAsync();

        var ticket = Assert.Single(await TicketsAsync());
        Assert.Equal("SB-000001", ticket.Number);
        Assert.Equal(TicketStatus.Open, ticket.Status);
        Assert.Equal(Email, ticket.Email);
        Assert.Equal("The key hash is registered but login still fails", ticket.Summary);
        Assert.Equal(HandoffReason.Requested, ticket.Reason);
        Assert.Equal("handoff", ticket.Requester.ConversationId);
        Assert.Equal([new TicketQuestion("keyhash mismatch android", "answer", "android-keyhash-mismatch", null)], ticket.Questions);

        var transcript = (await _tickets.FindTranscriptAsync(ticket.Number))!;
        Assert.Equal(
            ["keyhash mismatch android", BotTexts.English.TalkToPerson, "yes", Email, "The key hash is registered but login still fails"],
            transcript.Where(l => l.Role == RoleTypes.User).Select(l => l.Text));
        Assert.Contains(transcript, l => l.Role == RoleTypes.Bot && l.Text == AnswerOf("android-keyhash-mismatch"));
    }

    [Fact]
    public async Task The_handoff_event_carries_the_ticket_and_the_transcript()
    {
        IEventActivity? handoff = null;
        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("talk to a human")
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send(Email)
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("skip")
            .AssertReply(TextIs(Created("SB-000001", Email)))
            .AssertReply(a => handoff = Assert.IsAssignableFrom<IEventActivity>(a))
            .StartTestAsync();

        Assert.Equal(ActivityTypes.Event, handoff!.Type);
        Assert.Equal(HandoffEventNames.InitiateHandoff, handoff.Name);
        var context = Assert.IsType<JObject>(handoff.Value);
        Assert.Equal("SB-000001", (string?)context["ticket"]);
        Assert.Equal(Email, (string?)context["email"]);
        var attachment = Assert.Single(((Activity)handoff).Attachments);
        var transcript = Assert.IsType<Transcript>(attachment.Content);
        var texts = transcript.Activities.Where(a => a.Type == ActivityTypes.Message).Select(a => a.Text).ToList();
        Assert.Equal("how do i change the app owner", texts[0]);
        Assert.Contains(AnswerOf("change-app-owner"), texts);
        Assert.Equal("skip", texts[^1]);
    }

    [Fact]
    public async Task A_second_answer_that_did_not_help_offers_a_ticket()
    {
        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("no")
            .AssertReply(TextStartsWith(BotTexts.English.MaybeOneOfThese))
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("no, it did not")
            .AssertReply(IsOffer(BotTexts.English.HandoffOfferAfterNotHelped))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send(Email)
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("skip")
            .AssertReply(TextIs(Created("SB-000001", Email)))
            .AssertReply(IsHandoffEvent)
            .StartTestAsync();

        var ticket = Assert.Single(await TicketsAsync());
        Assert.Equal(HandoffReason.NotHelped, ticket.Reason);
        Assert.Null(ticket.Summary);
        Assert.Equal(
            [
                new TicketQuestion("how do i change the app owner", "answer", "change-app-owner", "not-helped"),
                new TicketQuestion("keyhash mismatch android", "answer", "android-keyhash-mismatch", "not-helped"),
            ],
            ticket.Questions);
    }

    [Fact]
    public async Task A_second_question_in_a_row_without_an_answer_offers_a_ticket()
    {
        await Flow()
            .Send("how do i center a div with flexbox")
            .AssertReply(TextIs(BotTexts.English.Fallback))
            .AssertReply(TextIs(BotTexts.English.FallbackTips))
            .Send("what's the weather like in seoul tomorrow")
            .AssertReply(TextIs(BotTexts.English.Fallback))
            .AssertReply(IsOffer(BotTexts.English.HandoffOfferAfterFallbacks))
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task Fallbacks_with_an_answer_between_them_are_not_in_a_row()
    {
        await Flow()
            .Send("how do i center a div with flexbox")
            .AssertReply(TextIs(BotTexts.English.Fallback))
            .AssertReply(TextIs(BotTexts.English.FallbackTips))
            .Send("how do i change the app owner")
            .AssertReply(TextIs(AnswerOf("change-app-owner")))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .Send("what's the weather like in seoul tomorrow")
            .AssertReply(TextIs(BotTexts.English.Fallback))
            .AssertReply(TextIs(BotTexts.English.FallbackTips))
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task A_bad_email_is_asked_for_again_and_a_good_one_is_taken()
    {
        await Flow()
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send("dev at example dot com")
            .AssertReply(TextIs(BotTexts.English.EmailAgain))
            .Send($"  {Email} ")
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("Login fails")
            .AssertReply(TextIs(Created("SB-000001", Email)))
            .StartTestAsync();

        Assert.Equal(Email, Assert.Single(await TicketsAsync()).Email);
    }

    [Fact]
    public async Task Two_bad_emails_end_the_handoff_politely_without_a_ticket()
    {
        await Flow()
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send("dev@")
            .AssertReply(TextIs(BotTexts.English.EmailAgain))
            .Send("Dev <dev@example.com>")
            .AssertReply(TextIs(BotTexts.English.EmailGaveUp))
            .Send("hello")
            .AssertReply(TextIs(fixture.KnowledgeBase.FindSmallTalk("greeting")!.Reply))
            .StartTestAsync();

        Assert.Empty(await TicketsAsync());
    }

    [Fact]
    public async Task Skip_takes_the_email_the_channel_gives_for_the_user()
    {
        await Flow(user: Email)
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(a =>
            {
                Assert.Equal(string.Format(CultureInfo.InvariantCulture, BotTexts.English.EmailQuestionKnown, Email), a.Text());
                Assert.Equal([BotTexts.English.Skip], a.Choices());
            })
            .Send(BotTexts.English.Skip)
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("skip")
            .AssertReply(TextIs(Created("SB-000001", Email)))
            .StartTestAsync();

        var ticket = Assert.Single(await TicketsAsync());
        Assert.Equal(Email, ticket.Email);
        Assert.Null(ticket.Summary);
    }

    [Fact]
    public async Task Skip_takes_the_email_of_the_users_earlier_ticket()
    {
        await Flow("first")
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send(Email)
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("skip")
            .AssertReply(TextIs(Created("SB-000001", Email)))
            .StartTestAsync();

        await Flow("second")
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(string.Format(CultureInfo.InvariantCulture, BotTexts.English.EmailQuestionKnown, Email)))
            .Send("skip")
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("skip")
            .AssertReply(TextIs(Created("SB-000002", Email)))
            .StartTestAsync();

        var second = (await _tickets.FindAsync("SB-000002"))!;
        Assert.Equal(("second", Email), (second.Requester.ConversationId, second.Email));
    }

    [Fact]
    public async Task Skip_without_a_known_email_is_not_an_email()
    {
        await Flow()
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .Send("skip")
            .AssertReply(TextIs(BotTexts.English.EmailAgain))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("offer")]
    [InlineData("email")]
    [InlineData("summary")]
    public async Task Cancel_anywhere_in_the_handoff_ends_it_without_a_ticket(string step)
    {
        var flow = Flow().Send(BotTexts.English.TalkToPerson).AssertReply(IsOffer(BotTexts.English.HandoffOffer));
        if (step != "offer")
        {
            flow = flow.Send("yes").AssertReply(TextIs(BotTexts.English.EmailQuestion));
        }

        if (step == "summary")
        {
            flow = flow.Send(Email).AssertReply(TextIs(BotTexts.English.SummaryQuestion));
        }

        await flow
            .Send("cancel")
            .AssertReply(TextIs(BotTexts.English.Cancelled))
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .StartTestAsync();

        Assert.Empty(await TicketsAsync());
    }

    [Fact]
    public async Task No_to_the_offer_points_to_the_forum_with_the_conversation_reference()
    {
        await Flow("declined")
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("no")
            .AssertReply(TextIs(string.Format(CultureInfo.InvariantCulture, BotTexts.English.HandoffDeclined, "declined")))
            .StartTestAsync();

        Assert.Empty(await TicketsAsync());
    }

    [Fact]
    public async Task A_question_instead_of_yes_or_no_is_answered()
    {
        await Flow()
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(IsOffer(BotTexts.English.HandoffOffer))
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .StartTestAsync();
    }
}
