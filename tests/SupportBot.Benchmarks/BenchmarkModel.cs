using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Core.Answers;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Benchmarks;

/// <summary>
/// The repository's knowledge base and the default model: loaded from <c>Classifier__ModelPath</c>
/// when that is set (the same variable the CLI reads), otherwise trained from training-data/.
/// </summary>
public sealed class BenchmarkModel
{
    public const string ModelPathVariable = "Classifier__ModelPath";

    private BenchmarkModel(TrainingDataPaths data, KnowledgeBase knowledgeBase, IntentClassifier classifier)
    {
        Data = data;
        KnowledgeBase = knowledgeBase;
        Classifier = classifier;
        Answers = new AnswerService(classifier, new DecisionPolicy(Options.Create(new DecisionOptions()), knowledgeBase), knowledgeBase);
    }

    public TrainingDataPaths Data { get; }

    public KnowledgeBase KnowledgeBase { get; }

    public IntentClassifier Classifier { get; }

    public AnswerService Answers { get; }

    /// <summary>training-data/ found above the current directory, as the tools do inside a checkout.</summary>
    public static TrainingDataPaths LocateData() => TrainingDataPaths.Locate(startDirectory: Directory.GetCurrentDirectory());

    public static BenchmarkModel LoadOrTrain()
    {
        var data = LocateData();
        var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(data);
        var modelPath = Environment.GetEnvironmentVariable(ModelPathVariable);
        if (!string.IsNullOrWhiteSpace(modelPath))
        {
            return File.Exists(modelPath)
                ? new BenchmarkModel(data, knowledgeBase, IntentClassifier.Load(modelPath))
                : throw new FileNotFoundException($"{ModelPathVariable} names '{modelPath}', which does not exist.");
        }

        var training = TrainingDataLoader.LoadTraining(data, knowledgeBase);
        var classifier = new ClassifierTrainer(NullLogger<ClassifierTrainer>.Instance)
            .Train(training, ClassifierPipelines.Find(ClassifierPipelines.DefaultName));
        return new BenchmarkModel(data, knowledgeBase, classifier);
    }
}
