using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Tests.Storage;

/// <summary>The stores of one provider the conversation search reads, and its search over them.</summary>
public sealed record ConversationSearchStores(IQuestionInsights Questions, ITicketStore Tickets, IConversationSearch Search);

/// <summary>
/// The conversation search contract every provider passes: each filter, the order and paging,
/// text with LIKE's wildcards, quotes and Korean, and empty results. A provider's tests subclass
/// this and return fresh, empty stores sharing one database.
/// </summary>
public abstract class ConversationSearchContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    // A summary's outcomes are a list, which a record compares by reference: compared apart.
    private static readonly string[] NoOutcomes = [];

    private ConversationSearchStores? _stores;

    private ConversationSearchStores Stores => _stores ??= CreateStores();

    /// <summary>New, empty stores of one provider sharing one database; called once per test.</summary>
    protected abstract ConversationSearchStores CreateStores();

    private static AskedQuestion Asked(string conversation, int hours, string text, string outcome = QuestionOutcomes.Answer, string? feedback = null, string channel = "directline") =>
        new($"{conversation}-{hours}-{text.GetHashCode(StringComparison.Ordinal):x}", conversation, Start.AddHours(hours), text, "en-US", outcome,
            outcome == QuestionOutcomes.Answer ? "android-keyhash-mismatch" : null, 0.7, "android-keyhash-mismatch", feedback, ChannelId: channel);

    private async Task<string> TicketAsync(string conversation, string channel = "directline") =>
        (await Stores.Tickets.CreateAsync(new NewTicket(
            "ana@example.com", null, HandoffReason.Requested, new TicketRequester(channel, conversation, "u1", null), [], []))).Number;

    private async Task<List<string>> IdsAsync(ConversationQuery query) =>
        (await Stores.Search.SearchAsync(query)).Conversations.Select(c => c.ConversationId).ToList();

    /// <summary>Three conversations: a, answered and helpful; b, a clarification then a fallback, unhelpful, with a ticket; c on Kakao, a handoff.</summary>
    private async Task<string> SeedAsync()
    {
        await Stores.Questions.SaveAsync(
        [
            Asked("a", 0, "Keyhash mismatch on Android", feedback: QuestionFeedback.Helpful),
            Asked("b", 24, "redirect uri", QuestionOutcomes.Clarify),
            Asked("b", 25, "still the redirect uri", QuestionOutcomes.Fallback, QuestionFeedback.Unhelpful),
            Asked("c", 48, "talk to a person", QuestionOutcomes.Handoff, channel: "kakao"),
        ]);
        return await TicketAsync("b");
    }

    [Fact]
    public async Task Every_conversation_is_listed_newest_first_with_its_times_counts_outcomes_feedback_and_ticket()
    {
        var ticket = await SeedAsync();

        var page = await Stores.Search.SearchAsync(new ConversationQuery());

        Assert.False(page.HasMore);
        Assert.Equal(["c", "b", "a"], page.Conversations.Select(c => c.ConversationId));
        var b = page.Conversations[1];
        Assert.Equal(
            new ConversationSummary("directline", "b", Start.AddHours(24), Start.AddHours(25), 2, NoOutcomes, 0, 1, ticket),
            b with { Outcomes = NoOutcomes });
        Assert.Equal([QuestionOutcomes.Clarify, QuestionOutcomes.Fallback], b.Outcomes);
        Assert.Equal(("kakao", (string?)null), (page.Conversations[0].ChannelId, page.Conversations[0].TicketNumber));
        Assert.Equal(1, page.Conversations[2].Helpful);
    }

    [Fact]
    public async Task Text_matches_any_question_of_the_conversation_whatever_the_case()
    {
        await SeedAsync();

        Assert.Equal(["a"], await IdsAsync(new ConversationQuery(Text: "KEYHASH")));
        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(Text: "Redirect URI")));
        Assert.Empty(await IdsAsync(new ConversationQuery(Text: "nothing like it")));
    }

    [Fact]
    public async Task Percent_underscore_backslash_and_quotes_in_the_text_are_plain_characters()
    {
        await Stores.Questions.SaveAsync(
        [
            Asked("percent", 0, "100% refund"),
            Asked("underscore", 1, "key_hash"),
            Asked("quote", 2, "it's \"broken\""),
            Asked("backslash", 3, @"C:\path"),
            Asked("plain", 4, "100 refunds for keyXhash it s broken C:path"),
        ]);

        Assert.Equal(["percent"], await IdsAsync(new ConversationQuery(Text: "0%")));
        Assert.Equal(["underscore"], await IdsAsync(new ConversationQuery(Text: "y_h")));
        Assert.Equal(["quote"], await IdsAsync(new ConversationQuery(Text: "it's \"")));
        Assert.Equal(["backslash"], await IdsAsync(new ConversationQuery(Text: @":\p")));
        Assert.Empty(await IdsAsync(new ConversationQuery(Text: "%%")));
    }

    [Fact]
    public async Task Korean_text_is_found_inside_a_question()
    {
        await Stores.Questions.SaveAsync([Asked("ko", 0, "카카오 로그인 오류가 나요"), Asked("en", 1, "login error")]);

        Assert.Equal(["ko"], await IdsAsync(new ConversationQuery(Text: "로그인 오류")));
        Assert.Empty(await IdsAsync(new ConversationQuery(Text: "결제")));
    }

    [Fact]
    public async Task A_date_range_keeps_the_conversations_with_a_question_inside_it()
    {
        await SeedAsync();

        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(From: Start.AddHours(25), To: Start.AddHours(48))));
        Assert.Equal(["c"], await IdsAsync(new ConversationQuery(From: Start.AddHours(26))));
        Assert.Equal(["a"], await IdsAsync(new ConversationQuery(To: Start.AddHours(24))));
    }

    [Fact]
    public async Task Channel_outcome_and_feedback_filters_keep_only_what_matches()
    {
        await SeedAsync();

        Assert.Equal(["c"], await IdsAsync(new ConversationQuery(ChannelId: "kakao")));
        Assert.Equal(["b", "a"], await IdsAsync(new ConversationQuery(ChannelId: "directline")));
        Assert.Equal(["a"], await IdsAsync(new ConversationQuery(Outcome: QuestionOutcomes.Answer)));
        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(Outcome: QuestionOutcomes.Clarify)));
        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(Outcome: QuestionOutcomes.Fallback)));
        Assert.Equal(["c"], await IdsAsync(new ConversationQuery(Outcome: QuestionOutcomes.Handoff)));
        Assert.Equal(["a"], await IdsAsync(new ConversationQuery(Feedback: FeedbackFilter.Helpful)));
        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(Feedback: FeedbackFilter.Unhelpful)));
        Assert.Equal(["c"], await IdsAsync(new ConversationQuery(Feedback: FeedbackFilter.None)));
        Assert.Empty(await IdsAsync(new ConversationQuery(ChannelId: "kakao", Outcome: QuestionOutcomes.Answer)));
    }

    [Fact]
    public async Task Ticket_filters_keep_the_conversations_with_or_without_a_ticket_or_with_that_number()
    {
        var ticket = await SeedAsync();
        await TicketAsync("a", channel: "kakao"); // same conversation id, another channel: not a's ticket

        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(Ticket: TicketFilter.With)));
        Assert.Equal(["c", "a"], await IdsAsync(new ConversationQuery(Ticket: TicketFilter.Without)));
        Assert.Equal(["b"], await IdsAsync(new ConversationQuery(TicketNumber: ticket)));
        Assert.Empty(await IdsAsync(new ConversationQuery(TicketNumber: TicketNumber.Format(999))));
        Assert.Empty(await IdsAsync(new ConversationQuery(TicketNumber: "not-a-number")));
    }

    [Fact]
    public async Task Pages_follow_one_another_without_gaps_and_the_last_says_there_is_no_more()
    {
        await Stores.Questions.SaveAsync(Enumerable.Range(0, 5).Select(i => Asked($"p{i}", i, "question")).ToList());

        var first = await Stores.Search.SearchAsync(new ConversationQuery(Offset: 0, Limit: 2));
        var second = await Stores.Search.SearchAsync(new ConversationQuery(Offset: 2, Limit: 2));
        var last = await Stores.Search.SearchAsync(new ConversationQuery(Offset: 4, Limit: 2));

        Assert.Equal(["p4", "p3"], first.Conversations.Select(c => c.ConversationId));
        Assert.Equal(["p2", "p1"], second.Conversations.Select(c => c.ConversationId));
        Assert.Equal(["p0"], last.Conversations.Select(c => c.ConversationId));
        Assert.Equal([true, true, false], new[] { first.HasMore, second.HasMore, last.HasMore });
    }

    [Fact]
    public async Task An_empty_log_finds_nothing()
    {
        var page = await Stores.Search.SearchAsync(new ConversationQuery(Text: "anything"));

        Assert.Equal((0, false), (page.Conversations.Count, page.HasMore));
        Assert.Empty(await Stores.Search.QuestionsAsync("directline", "a"));
    }

    [Fact]
    public async Task A_conversations_questions_are_read_oldest_first_from_its_channel_only()
    {
        await SeedAsync();
        await Stores.Questions.SaveAsync([Asked("b", 30, "same id on kakao", channel: "kakao")]);

        var questions = await Stores.Search.QuestionsAsync("directline", "b");

        Assert.Equal(["redirect uri", "still the redirect uri"], questions.Select(q => q.Text));
        Assert.Equal((QuestionOutcomes.Fallback, 0.7), (questions[1].Outcome, questions[1].Score));
    }
}
