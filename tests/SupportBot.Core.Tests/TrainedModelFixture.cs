using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests;

/// <summary>The repository's knowledge base and a model trained on it once for all the tests that need one.</summary>
public sealed class TrainedModelFixture
{
    public TrainedModelFixture()
    {
        KnowledgeBase = TrainingDataLoader.LoadKnowledgeBase(RepositoryPaths.TrainingData);
        Training = TrainingDataLoader.LoadTraining(RepositoryPaths.TrainingData, KnowledgeBase);
        HeldOut = TrainingDataLoader.LoadHeldOut(RepositoryPaths.TrainingData, KnowledgeBase, Training);
        Classifier = new ClassifierTrainer(NullLogger<ClassifierTrainer>.Instance)
            .Train(Training, ClassifierPipelines.Find(ClassifierPipelines.DefaultName));
        Policy = new DecisionPolicy(Options.Create(new DecisionOptions()), KnowledgeBase);
    }

    public KnowledgeBase KnowledgeBase { get; }

    public IReadOnlyList<LabeledUtterance> Training { get; }

    public IReadOnlyList<LabeledUtterance> HeldOut { get; }

    public IntentClassifier Classifier { get; }

    public DecisionPolicy Policy { get; }
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "trained model";
}
