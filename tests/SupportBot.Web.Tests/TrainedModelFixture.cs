using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Tests;

/// <summary>
/// A model trained once for the whole test run from the repository's training data, into a
/// temporary folder: every host under test loads this file instead of training its own.
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture()
    {
        TrainingData = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        Directory = System.IO.Directory.CreateTempSubdirectory("supportbot-web-tests-model-").FullName;
        ModelPath = Path.Combine(Directory, IntentModelFile.DefaultFileName);
        IntentModelFile.TrainAndSave(TrainingData, ModelPath, NullLoggerFactory.Instance);
    }

    public TrainingDataPaths TrainingData { get; }

    public string Directory { get; }

    public string ModelPath { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>The tests that start a host: they share the trained model and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class WebHostCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "web host";
}
