using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Classification;

/// <summary>Fits a classifier pipeline on labelled utterances. Deterministic: same data, same model.</summary>
public sealed class ClassifierTrainer(ILogger<ClassifierTrainer> logger)
{
    private const int Seed = 1;

    public IntentClassifier Train(IReadOnlyList<LabeledUtterance> training, ClassifierPipeline pipeline)
    {
        var stopwatch = Stopwatch.StartNew();
        var ml = new MLContext(seed: Seed);
        var data = ml.Data.LoadFromEnumerable(ToRows(training));
        logger.LogInformation(
            "Training {Pipeline} on {Utterances} utterances of {Intents} intents",
            pipeline.Name, training.Count, training.Select(u => u.Intent).Distinct().Count());

        var model = pipeline.Build(ml).Fit(data);
        var classifier = new IntentClassifier(ml, model, data.Schema);
        logger.LogInformation("Trained {Pipeline} in {Seconds:F1} s", pipeline.Name, stopwatch.Elapsed.TotalSeconds);
        return classifier;
    }

    /// <summary>
    /// Stratified k-fold: each utterance is ranked by a model that never saw it. The folds are
    /// fixed by the seed, so every candidate pipeline is measured on the same splits.
    /// </summary>
    public IReadOnlyList<(LabeledUtterance Utterance, IntentRanking Ranking)> CrossValidate(
        IReadOnlyList<LabeledUtterance> training, ClassifierPipeline pipeline, int folds, IProgress<string>? progress = null)
    {
        var random = new Random(Seed);
        var foldOf = new int[training.Count];
        foreach (var group in Enumerable.Range(0, training.Count).GroupBy(i => training[i].Intent))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            for (var k = 0; k < shuffled.Count; k++)
            {
                foldOf[shuffled[k]] = k % folds;
            }
        }

        var results = new List<(LabeledUtterance, IntentRanking)>(training.Count);
        for (var fold = 0; fold < folds; fold++)
        {
            progress?.Report($"{pipeline.Name}: fold {fold + 1}/{folds}");
            var trainPart = training.Where((_, i) => foldOf[i] != fold).ToList();
            var classifier = Train(trainPart, pipeline);
            results.AddRange(training.Where((_, i) => foldOf[i] == fold).Select(u => (u, classifier.Rank(u.Text))));
        }

        return results;
    }

    private static IEnumerable<UtteranceRow> ToRows(IEnumerable<LabeledUtterance> utterances) =>
        utterances.Select(u => new UtteranceRow { Text = TextNormalizer.Normalize(u.Text), Label = u.Intent });
}
