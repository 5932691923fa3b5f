using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms.Text;

namespace SupportBot.Core.Classification;

/// <summary>A named ML.NET pipeline the trainer can fit; the candidates are compared by cross-validation.</summary>
public sealed record ClassifierPipeline(string Name, string Description, Func<MLContext, IEstimator<ITransformer>> Build);

/// <summary>The candidate pipelines and the one chosen by measured accuracy (see docs/model.md).</summary>
public static class ClassifierPipelines
{
    public const string LabelKey = "LabelKey";

    /// <summary>The pipeline <c>train</c> uses; chosen by the cross-validated comparison in docs/model.md.</summary>
    public const string DefaultName = "words+chars/lbfgs";

    public static readonly IReadOnlyList<ClassifierPipeline> All =
    [
        new("words/sdca", "word 1-2 grams, SDCA maximum entropy",
            ml => Featurize(ml, chars: false).Append(Sdca(ml))),
        new("words+chars/sdca", "word 1-2 grams + char 2-4 grams, SDCA maximum entropy",
            ml => Featurize(ml, chars: true).Append(Sdca(ml))),
        new("words+chars/lbfgs", "word 1-2 grams + char 2-4 grams, L-BFGS maximum entropy",
            ml => Featurize(ml, chars: true).Append(Lbfgs(ml))),
        new("words+chars/lightgbm", "word 1-2 grams + char 2-4 grams, LightGBM",
            ml => Featurize(ml, chars: true).Append(LightGbm(ml))),
    ];

    public static ClassifierPipeline Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown pipeline '{name}'. Known: {string.Join(", ", All.Select(p => p.Name))}.");

    private static IEstimator<ITransformer> Featurize(MLContext ml, bool chars)
    {
        var options = new TextFeaturizingEstimator.Options
        {
            // Text is already normalised by TextNormalizer; the featurizer only has to split and count.
            CaseMode = TextNormalizingEstimator.CaseMode.None,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = chars ? new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = false } : null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };

        return ml.Transforms.Conversion.MapValueToKey(LabelKey, nameof(UtteranceRow.Label))
            .Append(ml.Transforms.Text.FeaturizeText("Features", options, nameof(UtteranceRow.Text)));
    }

    // One thread each: multi-threaded SDCA and L-BFGS are not deterministic, and the model must be.
    private static IEstimator<ITransformer> Sdca(MLContext ml) =>
        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = LabelKey,
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            MaximumNumberOfIterations = 100,
        });

    private static IEstimator<ITransformer> Lbfgs(MLContext ml) =>
        ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = LabelKey,
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            L2Regularization = 0.01f,
            L1Regularization = 0f,
        });

    private static IEstimator<ITransformer> LightGbm(MLContext ml) =>
        ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = LabelKey,
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            Seed = 1,
            NumberOfIterations = 200,
            MinimumExampleCountPerLeaf = 2,
        });
}
