using System.Text.Json;
using SupportBot.Core.Answers;

namespace SupportBot.Core.Tests.Answers;

[Collection(TrainedModelCollection.Name)]
public sealed class AnswerServiceTests(TrainedModelFixture model)
{
    private readonly AnswerService _answers = new(model.Classifier, model.Policy, model.KnowledgeBase);

    [Fact]
    public void A_question_gets_the_contract_object_with_canonical_questions_and_answers()
    {
        var result = _answers.Ask("android keyhash mismatch", top: 3);
        var json = JsonDocument.Parse(JsonSerializer.Serialize(result)).RootElement;

        Assert.Equal("android keyhash mismatch", json.GetProperty("query").GetString());
        Assert.True(json.GetProperty("answered").GetBoolean());
        var matches = json.GetProperty("matches").EnumerateArray().ToList();
        Assert.Equal(3, matches.Count);
        Assert.Equal("android-keyhash-mismatch", matches[0].GetProperty("id").GetString());
        Assert.Equal("[Android SDK] android keyhash mismatched! An error occurs.", matches[0].GetProperty("question").GetString());
        Assert.Equal("Kakao SDK", matches[0].GetProperty("category").GetString());
        Assert.StartsWith("This error occurs when the key hash", matches[0].GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.True(matches[0].GetProperty("score").GetSingle() > matches[1].GetProperty("score").GetSingle());
    }

    [Fact]
    public void Out_of_scope_is_not_answered_but_still_lists_the_nearest_entries()
    {
        var result = _answers.Ask("what is the best pizza topping", top: 2);

        Assert.False(result.Answered);
        Assert.Equal("fallback", result.Outcome);
        Assert.Equal(2, result.Matches.Count);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 5)]
    [InlineData(1000, AnswerService.MaxTop)]
    public void Top_is_kept_within_bounds(int top, int expected)
    {
        Assert.Equal(expected, _answers.Ask("logout", top).Matches.Count);
    }
}
