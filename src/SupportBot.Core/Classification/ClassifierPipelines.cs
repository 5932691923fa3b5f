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

    /// <summary>The pipeline <c>train</c> uses: the best macro-F1 in the cross-validated comparison (docs/model.md).</summary>
    public const string DefaultName = "words+char3/lbfgs-l2-0.003";

    public static readonly IReadOnlyList<ClassifierPipeline> All =
    [
        new("words/sdca", "word 1-2 grams, SDCA maximum entropy",
            ml => Featurize(ml, charLength: 0).Append(Sdca(ml))),
        new("words+char3/sdca", "word 1-2 grams + char 3-grams, SDCA maximum entropy",
            ml => Featurize(ml, charLength: 3).Append(Sdca(ml))),
        new("words+char3/lbfgs", "word 1-2 grams + char 3-grams, L-BFGS maximum entropy, L2 0.01",
            ml => Featurize(ml, charLength: 3).Append(Lbfgs(ml, l2: 0.01f))),
        new("words+char3/lbfgs-l2-0.003", "word 1-2 grams + char 3-grams, L-BFGS maximum entropy, L2 0.003",
            ml => Featurize(ml, charLength: 3).Append(Lbfgs(ml, l2: 0.003f))),
        new("words+char4/lbfgs", "word 1-2 grams + char 4-grams, L-BFGS maximum entropy, L2 0.01",
            ml => Featurize(ml, charLength: 4).Append(Lbfgs(ml, l2: 0.01f))),
        new("words+char1-4/lbfgs", "word 1-2 grams + char 1- to 4-grams, L-BFGS maximum entropy, L2 0.01",
            ml => Featurize(ml, charLength: 4, allCharLengths: true).Append(Lbfgs(ml, l2: 0.01f))),
        new("words+char3/lightgbm", "word 1-2 grams + char 3-grams, LightGBM",
            ml => Featurize(ml, charLength: 3).Append(LightGbm(ml))),
    ];

    public static ClassifierPipeline Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown pipeline '{name}'. Known: {string.Join(", ", All.Select(p => p.Name))}.");

    // charLength 0: words only. Character n-grams run across word boundaries, which is what
    // catches typos ("keyhsah") and glued identifiers ("ko_appkey").
    private static IEstimator<ITransformer> Featurize(MLContext ml, int charLength, bool allCharLengths = false)
    {
        var options = new TextFeaturizingEstimator.Options
        {
            // Text is already normalised by TextNormalizer; the featurizer only has to split and count.
            CaseMode = TextNormalizingEstimator.CaseMode.None,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = charLength > 0 ? new WordBagEstimator.Options { NgramLength = charLength, UseAllLengths = allCharLengths } : null,
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

    private static IEstimator<ITransformer> Lbfgs(MLContext ml, float l2) =>
        ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = LabelKey,
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            L2Regularization = l2,
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
