using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.WebChat.Tests;

/// <summary>
/// A SupportBot of its own for the admin dashboard's browser test, on a real Kestrel port: its
/// own copy of the training data and of the model, since "Retrain" writes both, and an admin password.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string Password = "dashboard-browser-test-password";

    private readonly string _directory = Directory.CreateTempSubdirectory("supportbot-dashboard-tests-").FullName;
    private BrowserHost.Factory? _bot;

    public Uri Bot { get; private set; } = null!;

    public TrainingDataPaths TrainingData { get; private set; } = null!;

    public IServiceProvider Services => _bot!.Services;

    public async Task InitializeAsync()
    {
        var source = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        TrainingData = new TrainingDataPaths(Path.Combine(_directory, "training-data"));
        foreach (var folder in new[] { "knowledge-base", "utterances", "held-out" })
        {
            var target = Directory.CreateDirectory(Path.Combine(TrainingData.Root, folder)).FullName;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source.Root, folder), "*.yaml"))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        // The model shared by the browser tests, copied: retraining replaces this host's file only.
        var shared = Path.Combine(Path.GetTempPath(), "supportbot-tests", $"model-{IntentModelFile.Fingerprint(source)}.zip");
        IntentModelFile.LoadOrTrain(source, shared, NullLoggerFactory.Instance);
        var modelPath = Path.Combine(_directory, "models", IntentModelFile.DefaultFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        File.Copy(shared, modelPath);

        _bot = new BrowserHost.Factory(new Dictionary<string, string?>
        {
            ["Classifier:TrainingDataPath"] = TrainingData.Root,
            ["Classifier:ModelPath"] = modelPath,
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(_directory, "supportbot.db"),
            ["DirectLine:Secret"] = "dashboard-test-directline-secret-0123456789abcdef",
            ["RateLimits:DirectLineCreation:PermitLimit"] = "100000",
            ["RateLimits:AdminSignIn:PermitLimit"] = "100000",
            ["HelpDesk:AdminPassword"] = Password,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _bot.UseKestrel(0);
        _bot.StartServer();
        Bot = BrowserHost.LoopbackAddress(_bot.Services);
        await BrowserHost.WaitUntilReadyAsync(Bot);
    }

    public Task DisposeAsync()
    {
        _bot?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite connection may still hold the file; the temp folder is cleaned later.
        }

        return Task.CompletedTask;
    }
}
