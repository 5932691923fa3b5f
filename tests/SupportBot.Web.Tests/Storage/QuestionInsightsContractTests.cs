using SupportBot.Bot.Insights;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// What every question-insights store does. A provider's tests subclass this and return a fresh,
/// empty store; a PostgreSQL provider passes the same tests.
/// </summary>
public abstract class QuestionInsightsContractTests
{
    protected static readonly DateTimeOffset Monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private IQuestionInsights? _store;

    private IQuestionInsights Store => _store ??= CreateStore();

    /// <summary>A new, empty store; called once per test.</summary>
    protected abstract IQuestionInsights CreateStore();

    protected static AskedQuestion Question(string id, DateTimeOffset askedAt, string outcome = QuestionOutcomes.Answer, string? entryId = "android-keyhash-mismatch") =>
        new(id, "conversation-1", askedAt, $"question {id}", "en-US", outcome, entryId, 0.8, "android-keyhash-mismatch");

    private Task<IReadOnlyList<AskedQuestion>> AllAsync() => Store.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 1000);

    [Fact]
    public async Task A_saved_question_is_listed_with_every_field()
    {
        var question = Question("q1", Monday) with { Feedback = QuestionFeedback.Helpful, ChannelId = "kakao" };

        await Store.SaveAsync([question]);

        Assert.Equal(question, Assert.Single(await AllAsync()));
    }

    [Fact]
    public async Task Saving_a_known_id_again_updates_outcome_entry_and_feedback_but_keeps_time_and_text()
    {
        await Store.SaveAsync([Question("q1", Monday, QuestionOutcomes.Clarify, entryId: null)]);

        var later = Question("q1", Monday.AddHours(1), QuestionOutcomes.Clarify, "logout-error") with { Text = "changed", Feedback = QuestionFeedback.Unhelpful };
        await Store.SaveAsync([later]);

        var stored = Assert.Single(await AllAsync());
        Assert.Equal((Monday, "question q1"), (stored.AskedAt, stored.Text));
        Assert.Equal(("logout-error", QuestionFeedback.Unhelpful), (stored.EntryId, stored.Feedback));
    }

    [Fact]
    public async Task A_question_and_its_feedback_saved_one_right_after_the_other_are_one_row_with_the_feedback()
    {
        await Store.SaveAsync([Question("q1", Monday), Question("q2", Monday)]);
        await Store.SaveAsync([Question("q1", Monday.AddMinutes(1)) with { Feedback = QuestionFeedback.Helpful }]);

        var stored = await AllAsync();

        Assert.Equal(["q1", "q2"], stored.Select(q => q.Id));
        Assert.Equal((Monday, QuestionFeedback.Helpful), (stored[0].AskedAt, stored[0].Feedback));
        Assert.Null(stored[1].Feedback);
    }

    [Fact]
    public async Task Listing_keeps_the_window_from_inclusive_to_exclusive_oldest_first_up_to_the_limit()
    {
        await Store.SaveAsync([Question("c", Monday.AddDays(2)), Question("a", Monday), Question("b", Monday.AddDays(1)), Question("d", Monday.AddDays(3))]);

        var window = await Store.ListAsync(Monday, Monday.AddDays(3), 10);
        var limited = await Store.ListAsync(Monday, Monday.AddDays(3), 2);

        Assert.Equal(["a", "b", "c"], window.Select(q => q.Id));
        Assert.Equal(["a", "b"], limited.Select(q => q.Id));
    }

    [Fact]
    public async Task A_review_is_stored_on_the_known_questions_and_survives_a_later_save()
    {
        await Store.SaveAsync([Question("q1", Monday, QuestionOutcomes.Fallback, null), Question("q2", Monday, QuestionOutcomes.Fallback, null)]);

        var reviewed = await Store.ReviewAsync(["q1", "unknown"], "logout-error");
        await Store.SaveAsync([Question("q1", Monday, QuestionOutcomes.Fallback, null) with { Feedback = QuestionFeedback.Unhelpful }]);

        Assert.Equal(1, reviewed);
        var all = await AllAsync();
        Assert.Equal(["logout-error", null], all.Select(q => q.ReviewedAs));
    }

    [Fact]
    public async Task Saving_nothing_and_reviewing_nothing_change_nothing()
    {
        await Store.SaveAsync([]);

        Assert.Equal(0, await Store.ReviewAsync([], Core.Knowledge.Intents.OutOfScope));
        Assert.Empty(await AllAsync());
    }

    [Fact]
    public async Task Pages_of_the_review_list_hold_only_unreviewed_fallbacks_and_unhelpful_answers_with_the_total()
    {
        await Store.SaveAsync(
        [
            Question("f1", Monday, QuestionOutcomes.Fallback, null),
            Question("a1", Monday.AddMinutes(1)),
            Question("u1", Monday.AddMinutes(2)) with { Feedback = QuestionFeedback.Unhelpful },
            Question("f2", Monday.AddMinutes(3), QuestionOutcomes.Fallback, null),
            Question("f3", Monday.AddMinutes(4), QuestionOutcomes.Fallback, null),
            Question("h1", Monday.AddMinutes(5)) with { Feedback = QuestionFeedback.Helpful },
        ]);
        await Store.ReviewAsync(["f2"], "logout-error");

        var first = await Store.PageAsync(new QuestionQuery(Monday, Monday.AddDays(1), QuestionFilter.NeedsReview, 0, 2));
        var second = await Store.PageAsync(new QuestionQuery(Monday, Monday.AddDays(1), QuestionFilter.NeedsReview, 2, 2));
        var reviewed = await Store.PageAsync(new QuestionQuery(Monday, Monday.AddDays(1), QuestionFilter.Reviewed, 0, 10));
        var all = await Store.PageAsync(new QuestionQuery(Monday, Monday.AddDays(1), QuestionFilter.All, 4, 10));

        Assert.Equal(["f1", "u1"], first.Questions.Select(q => q.Id));
        Assert.Equal(["f3"], second.Questions.Select(q => q.Id));
        Assert.Equal((3, 3), (first.Total, second.Total));
        Assert.Equal(["f2"], reviewed.Questions.Select(q => q.Id));
        Assert.Equal(["f3", "h1"], all.Questions.Select(q => q.Id));
        Assert.Equal(6, all.Total);
    }

    [Fact]
    public async Task Getting_by_id_returns_the_known_questions_whole_and_skips_the_unknown()
    {
        var question = Question("q1", Monday) with { Feedback = QuestionFeedback.Unhelpful };
        await Store.SaveAsync([question, Question("q2", Monday)]);

        var found = await Store.GetAsync(["q1", "unknown", "q1"]);

        Assert.Equal(question, Assert.Single(found));
        Assert.Empty(await Store.GetAsync([]));
    }

    [Fact]
    public async Task Stats_are_counted_by_the_store_per_utc_day_outcome_feedback_and_entry_without_reading_the_texts()
    {
        var tuesday = Monday.AddDays(1);
        await Store.SaveAsync(
        [
            Question("m1", Monday) with { ConversationId = "c1", Feedback = QuestionFeedback.Helpful },
            Question("m2", Monday.AddHours(14).AddMinutes(59)) with { ConversationId = "c1" },
            Question("t1", tuesday.AddHours(-9), QuestionOutcomes.Fallback, null) with { ConversationId = "c2" },
            Question("t2", tuesday, entryId: "logout-error") with { ConversationId = "c3", Feedback = QuestionFeedback.Unhelpful },
            Question("t3", tuesday, entryId: "logout-error") with { ConversationId = "c3" },
            Question("t4", tuesday, entryId: "a-entry") with { ConversationId = "c3" },
            Question("t5", tuesday, entryId: "b-entry") with { ConversationId = "c3" },
            Question("late", Monday.AddDays(7)),
        ]);

        var stats = await Store.StatsAsync(Monday.AddHours(-9), Monday.AddDays(2).AddHours(-9), topEntries: 3);

        Assert.Equal((7, 3), (stats.Questions, stats.Conversations));
        Assert.Equal(
            [new QuestionDay(new DateOnly(2025, 3, 3), 2, 1), new QuestionDay(new DateOnly(2025, 3, 4), 5, 2)],
            stats.Days);
        Assert.Equal(6, stats.Outcomes[QuestionOutcomes.Answer]);
        Assert.Equal(1, stats.Outcomes[QuestionOutcomes.Fallback]);
        Assert.False(stats.Outcomes.ContainsKey(QuestionOutcomes.Clarify));
        Assert.Equal((1, 1), (stats.Helpful, stats.Unhelpful));
        Assert.Equal(
            [new EntryTally("android-keyhash-mismatch", 2), new EntryTally("logout-error", 2), new EntryTally("a-entry", 1)],
            stats.TopEntries);
    }

    [Fact]
    public async Task Stats_count_the_questions_and_conversations_of_each_channel_and_the_unlogged_channel_apart()
    {
        await Store.SaveAsync(
        [
            Question("e1", Monday) with { ConversationId = "c1", ChannelId = "emulator" },
            Question("e2", Monday) with { ConversationId = "c1", ChannelId = "emulator" },
            Question("e3", Monday) with { ConversationId = "c2", ChannelId = "emulator" },
            Question("d1", Monday) with { ConversationId = "c3", ChannelId = "directline" },
            Question("old", Monday) with { ConversationId = "c4", ChannelId = null },
            Question("late", Monday.AddDays(7)) with { ConversationId = "c5", ChannelId = "kakao" },
        ]);
        await Store.SaveAsync([Question("e1", Monday) with { ConversationId = "c1", ChannelId = "msteams", Feedback = QuestionFeedback.Helpful }]);

        var stats = await Store.StatsAsync(Monday, Monday.AddDays(1), topEntries: 10);

        Assert.Equal(
            [new ChannelTally(null, 1, 1), new ChannelTally("directline", 1, 1), new ChannelTally("emulator", 3, 2)],
            stats.Channels.OrderBy(c => c.ChannelId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Stats_of_an_empty_window_are_zero()
    {
        var stats = await Store.StatsAsync(Monday, Monday.AddDays(1), topEntries: 10);

        Assert.Equal((0, 0, 0, 0), (stats.Questions, stats.Conversations, stats.Helpful, stats.Unhelpful));
        Assert.Empty(stats.Days);
        Assert.Empty(stats.Outcomes);
        Assert.Empty(stats.TopEntries);
        Assert.Empty(stats.Channels);
    }
}
