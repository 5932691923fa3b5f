using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Core.Classification;
using SupportBot.Core.Text;

namespace SupportBot.Core.Tests.Classification;

/// <summary>Korean text goes to a model of its own, and English is ranked exactly as by a model that never saw Korean.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class LanguageRoutingTests(TrainedModelFixture model)
{
    private static readonly ClassifierPipeline Pipeline = ClassifierPipelines.Find(ClassifierPipelines.DefaultName);

    private readonly ClassifierTrainer _trainer = new(NullLogger<ClassifierTrainer>.Instance);

    [Fact]
    public void English_questions_are_ranked_exactly_as_by_a_model_trained_without_korean()
    {
        var englishOnly = _trainer.Train(model.Training.Where(u => !Language.IsKorean(u.Text)).ToList(), Pipeline);
        var english = model.HeldOut.Where(u => !Language.IsKorean(u.Text)).Select(u => u.Text).ToList();

        Assert.True(model.Classifier.HasKoreanModel);
        Assert.False(englishOnly.HasKoreanModel);
        Assert.NotEmpty(english);
        Assert.All(english, text => Assert.Equal(englishOnly.Rank(text).Scores, model.Classifier.Rank(text).Scores));
    }

    [Theory]
    [InlineData("로그아웃이 안 돼요")]
    [InlineData("redirect uri 에러")]
    [InlineData("KOE006 에러 나요")]
    public void A_question_with_any_hangul_in_it_is_ranked_exactly_as_by_a_model_trained_on_korean_only(string question)
    {
        var koreanOnly = _trainer.Train(model.Training.Where(u => Language.IsKorean(u.Text)).ToList(), Pipeline, LanguageSplit.Shared);

        Assert.Equal(koreanOnly.Rank(question).Scores, model.Classifier.Rank(question).Scores);
    }

    [Fact]
    public void A_one_model_file_as_written_before_korean_still_loads_and_ranks_every_language_with_that_model()
    {
        var slice = model.Training.Where((_, i) => i % 5 == 0).ToList();
        var shared = _trainer.Train(slice, Pipeline, LanguageSplit.Shared);
        var path = Path.Combine(Path.GetTempPath(), $"supportbot-shared-{Guid.NewGuid():N}.zip");
        try
        {
            shared.Save(path);
            var loaded = IntentClassifier.Load(path);

            Assert.False(loaded.HasKoreanModel);
            Assert.Equal(shared.Rank("cannot log out").Scores, loaded.Rank("cannot log out").Scores);
            Assert.Equal(shared.Rank("로그아웃이 안 돼요").Scores, loaded.Rank("로그아웃이 안 돼요").Scores);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
