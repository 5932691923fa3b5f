using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Tests.Storage;

/// <summary>The stores of one provider, and its eraser over them.</summary>
public sealed record ErasureStores(
    IStorage State, ITranscriptStore Transcripts, ITicketStore Tickets, IQuestionInsights Questions, IDirectLineStore DirectLine, IUserDataEraser Eraser,
    IHandoffStore Handoffs);

/// <summary>
/// The erasure contract every provider passes: a user's state, transcripts, Direct Line history
/// and question log go, their tickets keep number and status only, another user keeps everything,
/// and a second erasure finds nothing. A provider's tests subclass this and return fresh, empty stores.
/// </summary>
public abstract class UserErasureContractTests
{
    private const string Channel = DirectLineChannel.ChannelId;
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private ErasureStores? _stores;

    protected ErasureStores Stores => _stores ??= CreateStores();

    /// <summary>New, empty stores of one provider sharing one database; called once per test.</summary>
    protected abstract ErasureStores CreateStores();

    [Fact]
    public async Task Erasing_a_user_removes_their_state_transcripts_direct_line_history_and_questions_and_anonymises_their_tickets()
    {
        var number = await ChatAsync("dl_ana", "conv-ana", "my email is ana@example.com");
        await LogAsync(Channel, "conv-ana-2", "dl_ana", "hello again");

        var erased = await Stores.Eraser.EraseUserAsync(Channel, "dl_ana");

        Assert.Equal(new UserErasure(State: 2, Transcripts: 3, DirectLine: 2, Questions: 1, Tickets: 1), erased);
        Assert.Empty(await Stores.State.ReadAsync([$"{Channel}/users/dl_ana", $"{Channel}/conversations/conv-ana"]));
        Assert.Empty((await Stores.Transcripts.GetTranscriptActivitiesAsync(Channel, "conv-ana")).Items);
        Assert.Empty((await Stores.Transcripts.GetTranscriptActivitiesAsync(Channel, "conv-ana-2")).Items);
        Assert.Null(await Stores.DirectLine.FindAsync("conv-ana", default));
        Assert.Empty(await QuestionsAsync());
        var ticket = await Stores.Tickets.FindAsync(number);
        Assert.NotNull(ticket);
        Assert.Equal((number, TicketStatus.Open, HandoffReason.Requested), (ticket.Number, ticket.Status, ticket.Reason));
        Assert.Equal((UserErasureRules.ErasedEmail, (string?)null, (string?)null, (string?)null), (ticket.Email, ticket.Summary, ticket.Requester.UserId, ticket.Requester.UserName));
        Assert.Empty(ticket.Questions);
        Assert.Empty((await Stores.Tickets.FindTranscriptAsync(number))!);
    }

    [Fact]
    public async Task Erasing_a_user_empties_their_handoff_logs_and_anonymises_their_handoffs_but_keeps_the_figures()
    {
        var ended = await Stores.Handoffs.QueueAsync(Handoff("conv-live", "dl_ana"), Start);
        await Stores.Handoffs.AcceptAsync(ended.Id, "Minji", Start.AddMinutes(1));
        await Stores.Handoffs.AppendAsync(ended.Id, """{"type":"message","text":"my phone is 010-1234-5678"}""");
        await Stores.Handoffs.AppendAsync(ended.Id, """{"type":"message","text":"thanks"}""");
        await Stores.Handoffs.EndAsync(ended.Id, HandoffEndReason.Completed, "Minji", Start.AddMinutes(5));
        await Stores.Handoffs.RateAsync(ended.Id, 5);
        var bens = await Stores.Handoffs.QueueAsync(Handoff("conv-ben", "dl_ben"), Start);
        await Stores.Handoffs.AppendAsync(bens.Id, """{"type":"message","text":"ben's"}""");

        var erased = await Stores.Eraser.EraseUserAsync(Channel, "dl_ana");

        // Two activities and one handoff.
        Assert.Equal(3, erased.Handoffs);
        Assert.Equal(3, erased.ByKind["handoffs"]);
        var anonymised = await Stores.Handoffs.FindAsync(ended.Id);
        Assert.NotNull(anonymised);
        Assert.Equal(((string?)null, (string?)null, UserErasureRules.ErasedConversationReference), (anonymised.UserId, anonymised.UserName, anonymised.ConversationReference));
        Assert.Empty(anonymised.Questions);
        Assert.Equal(
            (HandoffStatus.Ended, "Minji", Start, Start.AddMinutes(1), Start.AddMinutes(5), HandoffEndReason.Completed, 5),
            (anonymised.Status, anonymised.Agent!, anonymised.WaitingSince, anonymised.AcceptedAt!.Value, anonymised.EndedAt!.Value, anonymised.EndReason!, anonymised.Satisfaction!.Value));
        Assert.Empty((await Stores.Handoffs.ReadAsync(ended.Id, 0, 10)).Activities);
        Assert.Equal(("dl_ben", 1), ((await Stores.Handoffs.FindAsync(bens.Id))?.UserId, (await Stores.Handoffs.ReadAsync(bens.Id, 0, 10)).Activities.Count));
        Assert.Equal(UserErasure.Nothing, await Stores.Eraser.EraseUserAsync(Channel, "dl_ana"));
    }

    [Fact]
    public async Task A_second_erasure_of_the_same_user_erases_nothing_more()
    {
        await ChatAsync("dl_ana", "conv-ana", "where is my order");

        await Stores.Eraser.EraseUserAsync(Channel, "dl_ana");
        var again = await Stores.Eraser.EraseUserAsync(Channel, "dl_ana");

        Assert.Equal(UserErasure.Nothing, again);
    }

    [Fact]
    public async Task Another_user_and_the_same_user_id_on_another_channel_keep_everything()
    {
        await ChatAsync("dl_ana", "conv-ana", "ana asks");
        var bens = await ChatAsync("dl_ben", "conv-ben", "ben asks");
        await LogAsync("msteams", "conv-teams", "dl_ana", "ana on teams");
        await Stores.State.WriteAsync(new Dictionary<string, object> { ["msteams/users/dl_ana"] = new SupportCase { Topic = "teams" } });

        await Stores.Eraser.EraseUserAsync(Channel, "dl_ana");

        Assert.Equal(2, (await Stores.State.ReadAsync([$"{Channel}/users/dl_ben", $"{Channel}/conversations/conv-ben"])).Count);
        Assert.Single(await Stores.State.ReadAsync(["msteams/users/dl_ana"]));
        Assert.Equal(2, (await Stores.Transcripts.GetTranscriptActivitiesAsync(Channel, "conv-ben")).Items.Length);
        Assert.Single((await Stores.Transcripts.GetTranscriptActivitiesAsync("msteams", "conv-teams")).Items);
        Assert.NotNull(await Stores.DirectLine.FindAsync("conv-ben", default));
        Assert.Equal(["ben asks"], (await QuestionsAsync()).Select(q => q.Text));
        var ticket = await Stores.Tickets.FindAsync(bens);
        Assert.Equal(("ben@example.com", "dl_ben"), (ticket!.Email, ticket.Requester.UserId));
        Assert.Single((await Stores.Tickets.FindTranscriptAsync(bens))!);
    }

    /// <summary>A Direct Line conversation of the user: state, a question and the bot's answer in the transcript and the history, the question logged, a ticket.</summary>
    private async Task<string> ChatAsync(string userId, string conversationId, string question)
    {
        await Stores.State.WriteAsync(new Dictionary<string, object>
        {
            [$"{Channel}/users/{userId}"] = new SupportCase { Topic = "user" },
            [$"{Channel}/conversations/{conversationId}"] = new SupportCase { Topic = "conversation" },
        });
        await Stores.DirectLine.TryStartAsync(new DirectLineConversation(conversationId, userId, Start), default);
        await Stores.DirectLine.AppendAsync(conversationId, new Activity(ActivityTypes.Message) { Text = question, From = new ChannelAccount(userId) }, default);
        await LogAsync(Channel, conversationId, userId, question);
        await LogAsync(Channel, conversationId, "bot", "an answer", new ChannelAccount(userId));
        await Stores.Questions.SaveAsync([new AskedQuestion($"{conversationId}-q1", conversationId, Start, question, "en", QuestionOutcomes.Fallback, null, 0.2, null)]);
        var ticket = await Stores.Tickets.CreateAsync(new NewTicket(
            $"{userId[3..]}@example.com",
            $"{question} (summary)",
            HandoffReason.Requested,
            new TicketRequester(Channel, conversationId, userId, userId.ToUpperInvariant()),
            [new TicketQuestion(question, QuestionOutcomes.Fallback, null, null)],
            [new TranscriptLine(Start, "user", userId, question)]));

        // Reading the transcript writes what is queued behind the turn, as a later request would find it.
        Assert.NotEmpty((await Stores.Transcripts.GetTranscriptActivitiesAsync(Channel, conversationId)).Items);
        return ticket.Number;
    }

    private async Task LogAsync(string channelId, string conversationId, string fromId, string text, ChannelAccount? recipient = null)
    {
        await Stores.Transcripts.LogActivityAsync(new Activity(ActivityTypes.Message)
        {
            Id = Guid.NewGuid().ToString("N"),
            ChannelId = channelId,
            Conversation = new ConversationAccount(id: conversationId),
            From = new ChannelAccount(fromId),
            Recipient = recipient ?? new ChannelAccount("bot"),
            Timestamp = Start,
            Text = text,
        });
        Assert.NotEmpty((await Stores.Transcripts.GetTranscriptActivitiesAsync(channelId, conversationId)).Items);
    }

    private static NewHandoff Handoff(string conversationId, string userId) => new(
        Channel, conversationId, userId, userId.ToUpperInvariant(), "en", $$$"""{"user":{"id":"{{{userId}}}"}}""", [new TicketQuestion("a person please", QuestionOutcomes.Fallback, null, null)]);

    private async Task<IReadOnlyList<AskedQuestion>> QuestionsAsync() =>
        (await Stores.Questions.PageAsync(new QuestionQuery(Start.AddDays(-1), Start.AddDays(1), QuestionFilter.All, 0, 100))).Questions;
}
