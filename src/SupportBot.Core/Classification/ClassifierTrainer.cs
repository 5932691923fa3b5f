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

    /// <summary>
    /// Fits the pipeline: by default one model on the utterances without Hangul and one on those
    /// with (<see cref="LanguageSplit.PerLanguage"/>; when there are none, just the first), or
    /// one model on everything (<see cref="LanguageSplit.Shared"/>), the design it was measured against.
    /// </summary>
    public IntentClassifier Train(IReadOnlyList<LabeledUtterance> training, ClassifierPipeline pipeline, LanguageSplit split = LanguageSplit.PerLanguage)
    {
        if (split == LanguageSplit.Shared)
        {
            return new IntentClassifier(Fit(training, pipeline, "every language"), korean: null);
        }

        // Split by the text itself, the same test Rank uses to choose a model.
        var korean = training.Where(u => Language.IsKorean(u.Text)).ToList();
        var english = training.Where(u => !Language.IsKorean(u.Text)).ToList();
        return new IntentClassifier(
            Fit(english, pipeline, Language.English),
            korean.Count > 0 ? Fit(korean, pipeline, Language.Korean) : null,
            KeyTermIndex.Build(english),
            korean.Count > 0 ? KeyTermIndex.Build(korean) : null);
    }

    /// <summary>
    /// Stratified k-fold: each utterance is ranked by a model that never saw it. The folds are
    /// fixed by the seed, so every candidate pipeline is measured on the same splits.
    /// </summary>
    public IReadOnlyList<(LabeledUtterance Utterance, IntentRanking Ranking)> CrossValidate(
        IReadOnlyList<LabeledUtterance> training,
        ClassifierPipeline pipeline,
        int folds,
        IProgress<string>? progress = null,
        LanguageSplit split = LanguageSplit.PerLanguage)
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
            var classifier = Train(trainPart, pipeline, split);
            results.AddRange(training.Where((_, i) => foldOf[i] == fold).Select(u => (u, classifier.Rank(u.Text))));
        }

        return results;
    }

    private MlModel Fit(IReadOnlyList<LabeledUtterance> training, ClassifierPipeline pipeline, string language)
    {
        var stopwatch = Stopwatch.StartNew();
        var ml = new MLContext(seed: Seed);
        var data = ml.Data.LoadFromEnumerable(ToRows(training));
        logger.LogInformation(
            "Training {Pipeline} for {Language} on {Utterances} utterances of {Intents} intents",
            pipeline.Name, language, training.Count, training.Select(u => u.Intent).Distinct().Count());

        var model = new MlModel(ml, pipeline.Build(ml).Fit(data), data.Schema);
        logger.LogInformation("Trained {Pipeline} for {Language} in {Seconds:F1} s", pipeline.Name, language, stopwatch.Elapsed.TotalSeconds);
        return model;
    }

    private static IEnumerable<UtteranceRow> ToRows(IEnumerable<LabeledUtterance> utterances) =>
        utterances.Select(u => new UtteranceRow { Text = TextNormalizer.Normalize(u.Text), Label = u.Intent });
}

/// <summary>Whether Korean and English get a model each or share one.</summary>
public enum LanguageSplit
{
    /// <summary>Text with Hangul is ranked by a model trained on the Korean utterances; everything else by one trained on the rest.</summary>
    PerLanguage,

    /// <summary>One model trained on every utterance ranks every language.</summary>
    Shared,
}
