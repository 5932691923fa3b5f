using Microsoft.Bot.Builder.Adapters;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Insights;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests.Insights;

/// <summary>The bot records each question it is asked, with the outcome and the user's feedback, for the admin dashboard.</summary>
[Collection(BotCollection.Name)]
public sealed class QuestionInsightsRecordingTests(BotFixture fixture)
{
    private readonly MemoryQuestionInsights _insights = new();

    private TestFlow Flow() => new(BotFixture.CreateAdapter("insights"), fixture.CreateBot(insights: _insights));

    private async Task<IReadOnlyList<AskedQuestion>> RecordedAsync() =>
        await _insights.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100);

    [Fact]
    public async Task An_answered_question_is_recorded_with_its_entry_and_then_the_helpful_feedback()
    {
        await Flow()
            .Send("keyhash mismatch android")
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send(BotTexts.English.Yes)
            .AssertReply(_ => { })
            .StartTestAsync();

        var question = Assert.Single(await RecordedAsync());
        Assert.Equal(
            ("keyhash mismatch android", QuestionOutcomes.Answer, "android-keyhash-mismatch", QuestionFeedback.Helpful, "insights"),
            (question.Text, question.Outcome, question.EntryId, question.Feedback, question.ConversationId));
        Assert.Equal("android-keyhash-mismatch", question.ClosestEntryId);
        Assert.InRange(question.Score, 0.0, 1.0);
        Assert.Equal(Microsoft.Bot.Connector.Channels.Test, question.ChannelId);
    }

    [Fact]
    public async Task A_question_the_bot_cannot_answer_is_recorded_as_fallback_with_the_closest_entry()
    {
        await Flow()
            .Send("what is the best pizza topping in naples")
            .StartTestAsync();

        var question = Assert.Single(await RecordedAsync());
        Assert.Equal((QuestionOutcomes.Fallback, null), (question.Outcome, question.EntryId));
        Assert.True(fixture.KnowledgeBase.IsFaqEntry(question.ClosestEntryId!));
    }

    [Fact]
    public async Task Small_talk_and_a_request_for_a_person_are_recorded_with_their_own_outcomes()
    {
        await Flow()
            .Send("hello")
            .AssertReply(_ => { })
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(_ => { })
            .StartTestAsync();

        Assert.Equal([QuestionOutcomes.SmallTalk, QuestionOutcomes.Handoff], (await RecordedAsync()).Select(q => q.Outcome));
    }

    [Fact]
    public async Task An_answer_that_did_not_help_is_recorded_as_unhelpful()
    {
        await Flow()
            .Send("keyhash mismatch android")
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send(BotTexts.English.No)
            .StartTestAsync();

        Assert.Equal(QuestionFeedback.Unhelpful, Assert.Single(await RecordedAsync()).Feedback);
    }
}
