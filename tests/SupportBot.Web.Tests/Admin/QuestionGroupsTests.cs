using SupportBot.Bot.Insights;
using SupportBot.Web.Admin;

namespace SupportBot.Web.Tests.Admin;

/// <summary>Unanswered questions worded alike are reviewed together, with the entry the classifier most often thought closest.</summary>
public sealed class QuestionGroupsTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static AskedQuestion Asked(string text, string? closest = "android-keyhash-mismatch") =>
        new(text, "conversation", At, text, null, QuestionOutcomes.Fallback, null, 0.2, closest);

    [Theory]
    [InlineData("keyhash error android", "android key hash error")]
    [InlineData("KOE006 after login", "koe006 after kakao login")]
    [InlineData("kakao login fails on android", "kakao logn fails on android")]
    public void Questions_worded_alike_are_similar(string a, string b) =>
        Assert.InRange(QuestionGroups.Similarity(a, b), QuestionGroups.DefaultThreshold, 1.0);

    [Theory]
    [InlineData("how do i log out", "what is kakao sync")]
    [InlineData("message template size", "refund my payment")]
    public void Questions_about_different_things_are_not(string a, string b) =>
        Assert.InRange(QuestionGroups.Similarity(a, b), 0.0, QuestionGroups.DefaultThreshold - 0.01);

    [Fact]
    public void The_same_text_is_fully_similar_and_an_empty_one_is_not_similar_to_anything()
    {
        Assert.Equal(1.0, QuestionGroups.Similarity("Login fails!", "login fails"), 6);
        Assert.Equal(0.0, QuestionGroups.Similarity("", "login fails"));
    }

    [Fact]
    public void Similar_questions_form_one_group_largest_first_with_the_most_common_closest_entry()
    {
        var questions = new[]
        {
            Asked("refund my payment", closest: null),
            Asked("KOE006 after login", "invalid-redirect-error"),
            Asked("koe006 after kakao login", "invalid-redirect-error"),
            Asked("KOE006 error after login", "login-error-message"),
        };

        var groups = QuestionGroups.Group(questions);

        Assert.Equal(2, groups.Count);
        Assert.Equal(["KOE006 after login", "koe006 after kakao login", "KOE006 error after login"], groups[0].Questions.Select(q => q.Text));
        Assert.Equal("invalid-redirect-error", groups[0].ClosestEntryId);
        Assert.Equal((1, null), (groups[1].Questions.Count, groups[1].ClosestEntryId));
    }

    [Fact]
    public void Grouping_the_same_questions_twice_gives_the_same_groups()
    {
        var questions = new[] { Asked("login fails"), Asked("logout fails"), Asked("login fail"), Asked("sync features") };

        var first = QuestionGroups.Group(questions).Select(g => g.Questions.Select(q => q.Id).ToList()).ToList();
        var second = QuestionGroups.Group(questions).Select(g => g.Questions.Select(q => q.Id).ToList()).ToList();

        Assert.Equal(first, second);
    }
}
