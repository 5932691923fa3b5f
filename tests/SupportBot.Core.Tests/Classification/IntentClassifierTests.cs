using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Classification;

[Collection(TrainedModelCollection.Name)]
public sealed class IntentClassifierTests(TrainedModelFixture model)
{
    [Theory]
    [InlineData("keyhash mismatch android", "android-keyhash-mismatch")]
    [InlineData("I keep getting Invalid redirect when requesting the authorization code", "invalid-redirect-error")]
    [InlineData("how do i transfer app ownership to my colleague", "change-app-owner")]
    public void Asking_in_your_own_words_ranks_the_right_entry_first(string utterance, string expected)
    {
        Assert.Equal(expected, model.Classifier.Rank(utterance).Top.Intent);
    }

    [Fact]
    public void A_ranking_holds_every_intent_once_with_probabilities_summing_to_one_best_first()
    {
        var ranking = model.Classifier.Rank("logout not working");

        Assert.Equal(model.KnowledgeBase.Entries.Count + Intents.SmallTalk.Count + 1, ranking.Scores.Count);
        Assert.Equal(ranking.Scores.Count, ranking.Scores.Select(s => s.Intent).Distinct().Count());
        Assert.Equal(1.0, ranking.Scores.Sum(s => s.Probability), precision: 3);
        Assert.Equal(ranking.Scores.OrderByDescending(s => s.Probability), ranking.Scores);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n")]
    [InlineData("😀😀😀")]
    [InlineData("\u0000\u0001\u001b[31m")]
    [InlineData("카카오 로그인 키해시 오류")]
    [InlineData("\uD800 broken surrogate")]
    public void Any_input_is_ranked_without_throwing(string input)
    {
        var ranking = model.Classifier.Rank(input);

        Assert.NotEmpty(ranking.Scores);
        Assert.InRange(ranking.Top.Probability, 0f, 1f);
    }

    [Fact]
    public void Empty_input_is_out_of_scope_for_certain()
    {
        Assert.Equal(new IntentProbability(Intents.OutOfScope, 1f), model.Classifier.Rank("  ").Top);
    }

    [Fact]
    public void A_ten_thousand_character_message_is_ranked_like_its_beginning()
    {
        var huge = "android keyhash mismatched error " + new string('x', 10_000);

        Assert.Equal("android-keyhash-mismatch", model.Classifier.Rank(huge).Top.Intent);
    }

    [Fact]
    public void Ranking_from_many_threads_gives_the_same_answers_as_one_thread()
    {
        var utterances = model.HeldOut.Take(120).Select(u => u.Text).ToArray();
        var sequential = utterances.Select(u => model.Classifier.Rank(u).Scores).ToArray();

        var parallel = new IReadOnlyList<IntentProbability>[utterances.Length * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = model.Classifier.Rank(utterances[i % utterances.Length]).Scores);

        for (var i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % utterances.Length], parallel[i]);
        }
    }

    [Fact]
    public void A_saved_model_loads_and_ranks_exactly_as_before()
    {
        var path = Path.Combine(Path.GetTempPath(), $"supportbot-model-{Guid.NewGuid():N}.zip");
        try
        {
            model.Classifier.Save(path);
            var loaded = IntentClassifier.Load(path);

            Assert.Equal(model.Classifier.Labels, loaded.Labels);
            Assert.True(loaded.HasKoreanModel);
            Assert.Equal(model.Classifier.Rank("cannot log out").Scores, loaded.Rank("cannot log out").Scores);
            Assert.Equal(model.Classifier.Rank("로그아웃이 안 돼요").Scores, loaded.Rank("로그아웃이 안 돼요").Scores);
            Assert.InRange(new FileInfo(path).Length, 1, 10 * 1024 * 1024);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Training_twice_on_the_same_data_gives_the_same_model()
    {
        // A slice of the data keeps this quick; determinism does not depend on size.
        var slice = model.Training.Where((_, i) => i % 4 == 0).ToList();
        var trainer = new ClassifierTrainer(NullLogger<ClassifierTrainer>.Instance);
        var pipeline = ClassifierPipelines.Find(ClassifierPipelines.DefaultName);

        var first = trainer.Train(slice, pipeline);
        var second = trainer.Train(slice, pipeline);

        foreach (var utterance in model.HeldOut.Take(40))
        {
            Assert.Equal(first.Rank(utterance.Text).Scores, second.Rank(utterance.Text).Scores);
        }
    }
}
