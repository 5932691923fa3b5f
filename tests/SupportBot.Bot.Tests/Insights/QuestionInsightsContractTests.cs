using SupportBot.Bot.Insights;

namespace SupportBot.Bot.Tests.Insights;

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
        var question = Question("q1", Monday) with { Feedback = QuestionFeedback.Helpful };

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
}
