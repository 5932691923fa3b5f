using SupportBot.Core.Evaluation;

namespace SupportBot.Core.Tests.Classification;

/// <summary>Accuracy floors on the held-out set (training is deterministic, so these are stable).</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class HeldOutAccuracyTests(TrainedModelFixture model)
{
    private readonly EvaluationReport _report = Evaluator.Evaluate(
        "held-out", model.HeldOut.Select(u => (u, model.Classifier.Rank(u.Text))).ToList(), model.Policy);

    [Fact]
    public void Top_1_accuracy_is_at_least_95_percent() => Assert.True(_report.Top1Accuracy >= 0.95, $"top-1 {_report.Top1Accuracy:P1}");

    [Fact]
    public void Top_3_accuracy_is_at_least_99_percent() => Assert.True(_report.Top3Accuracy >= 0.99, $"top-3 {_report.Top3Accuracy:P1}");

    [Fact]
    public void Out_of_scope_recall_is_at_least_90_percent() => Assert.True(_report.OutOfScopeRecall >= 0.90, $"recall {_report.OutOfScopeRecall:P1}");

    [Fact]
    public void At_most_3_percent_of_in_scope_questions_fall_back() =>
        Assert.True(_report.InScopeFallbackRate <= 0.03, $"false fallback {_report.InScopeFallbackRate:P1}");
}
