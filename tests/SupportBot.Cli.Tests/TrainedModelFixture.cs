namespace SupportBot.Cli.Tests;

/// <summary>
/// One <c>supportbot train</c> into a scratch folder for every test that needs a model (training
/// takes about ten seconds); the developer's models/ folder is never touched.
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public TrainedModelFixture()
    {
        ModelPath = _folder.File("model.zip");
        Train = SupportBotProcess.Run(["train", .. Options], timeout: TimeSpan.FromMinutes(3));
        if (Train.ExitCode != 0)
        {
            throw new InvalidOperationException($"supportbot train failed:\n{Train}");
        }
    }

    public string DataPath => SupportBotProcess.RepositoryData.Root;

    public string ModelPath { get; }

    /// <summary>The training run itself, for the tests of <c>train</c>.</summary>
    public CliRun Train { get; }

    /// <summary><c>--data</c> and <c>--model</c> pointing at the repository's data and the scratch model.</summary>
    public string[] Options => ["--data", DataPath, "--model", ModelPath];

    public CliRun Run(params string[] args) => SupportBotProcess.Run([.. args, .. Options]);

    public CliRun RunWithInput(string stdin, params string[] args) => SupportBotProcess.Run([.. args, .. Options], stdin);

    public void Dispose() => _folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "trained model";
}
