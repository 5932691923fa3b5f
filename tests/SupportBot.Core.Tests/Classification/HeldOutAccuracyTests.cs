using SupportBot.Core.Evaluation;
using SupportBot.Core.Text;

namespace SupportBot.Core.Tests.Classification;

/// <summary>Accuracy floors on the held-out set, per language (training is deterministic, so these are stable).</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class HeldOutAccuracyTests(TrainedModelFixture model)
{
    private EvaluationReport Report(string language) => Evaluator.Evaluate(
        $"held-out ({language})",
        model.HeldOut.Where(u => Language.Of(u.Text) == language).Select(u => (u, model.Classifier.Rank(u.Text))).ToList(),
        model.Policy);

    [Fact]
    public void English_top_1_accuracy_is_at_least_95_percent() => AtLeast(Report(Language.English).Top1Accuracy, 0.95);

    [Fact]
    public void English_top_3_accuracy_is_at_least_99_percent() => AtLeast(Report(Language.English).Top3Accuracy, 0.99);

    [Fact]
    public void English_out_of_scope_recall_is_at_least_90_percent() => AtLeast(Report(Language.English).OutOfScopeRecall, 0.90);

    [Fact]
    public void At_most_3_percent_of_English_in_scope_questions_fall_back() => AtMost(Report(Language.English).InScopeFallbackRate, 0.03);

    [Fact]
    public void Korean_top_1_accuracy_is_at_least_90_percent() => AtLeast(Report(Language.Korean).Top1Accuracy, 0.90);

    [Fact]
    public void Korean_top_3_accuracy_is_at_least_98_percent() => AtLeast(Report(Language.Korean).Top3Accuracy, 0.98);

    [Fact]
    public void Korean_out_of_scope_recall_is_at_least_85_percent() => AtLeast(Report(Language.Korean).OutOfScopeRecall, 0.85);

    [Fact]
    public void At_most_5_percent_of_Korean_in_scope_questions_fall_back() => AtMost(Report(Language.Korean).InScopeFallbackRate, 0.05);

    [Fact]
    public void English_near_domain_questions_the_faq_does_not_answer_are_rejected_at_least_90_percent() =>
        AtLeast(Report(Language.English).NearDomain.RejectedShare, 0.90);

    [Fact]
    public void Korean_near_domain_questions_the_faq_does_not_answer_are_rejected_at_least_90_percent() =>
        AtLeast(Report(Language.Korean).NearDomain.RejectedShare, 0.90);

    [Fact]
    public void Few_near_domain_questions_get_a_did_you_mean() =>
        Assert.All(new[] { Language.English, Language.Korean }, language => AtMost(Report(language).NearDomain.ClarifiedShare, 0.05));

    [Fact]
    public void Both_languages_have_a_near_domain_part_in_the_held_out_set() =>
        Assert.All(new[] { Language.English, Language.Korean }, language => Assert.True(Report(language).NearDomain.Utterances >= 40));

    [Fact]
    public void Both_languages_are_in_the_held_out_set_with_every_entry() =>
        Assert.All(new[] { Language.English, Language.Korean }, language =>
            Assert.Equal(
                model.KnowledgeBase.Entries.Count,
                model.HeldOut.Where(u => Language.Of(u.Text) == language && model.KnowledgeBase.IsFaqEntry(u.Intent)).Select(u => u.Intent).Distinct().Count()));

    private static void AtLeast(double value, double floor) => Assert.True(value >= floor, $"{value:P1} is under {floor:P0}");

    private static void AtMost(double value, double ceiling) => Assert.True(value <= ceiling, $"{value:P1} is over {ceiling:P0}");
}
