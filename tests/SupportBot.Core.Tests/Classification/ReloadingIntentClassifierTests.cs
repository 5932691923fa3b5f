using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Classification;

/// <summary>
/// The model file behind one long-lived classifier: a retrained model written over it is put in
/// service without a new object, a broken one is not, and ranking waits for the first model.
/// Two tiny models trained on the same sentences with the labels swapped make a swap visible.
/// </summary>
public sealed class ReloadingIntentClassifierTests : IDisposable
{
    private const string KeyHashQuestion = "keyhash mismatch android";

    private static readonly Lazy<IntentClassifier> KeyHashIsAlpha = new(() => Train(first: "alpha", second: "beta"));
    private static readonly Lazy<IntentClassifier> KeyHashIsBeta = new(() => Train(first: "beta", second: "alpha"));

    private readonly string _folder = Directory.CreateTempSubdirectory("supportbot-reload-tests-").FullName;

    private string ModelPath => Path.Combine(_folder, "intent-model.zip");

    [Fact]
    public async Task A_model_written_over_the_file_replaces_the_one_in_service()
    {
        KeyHashIsAlpha.Value.Save(ModelPath);
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance, TimeSpan.FromMilliseconds(50));
        Assert.True(classifier.ReloadIfChanged());
        classifier.StartWatching();
        Assert.Equal("alpha", classifier.Rank(KeyHashQuestion).Top.Intent);

        KeyHashIsBeta.Value.Save(ModelPath);

        await WaitUntil(() => classifier.Version == 2);
        Assert.Equal("beta", classifier.Rank(KeyHashQuestion).Top.Intent);
    }

    [Fact]
    public async Task A_file_copied_over_the_model_in_place_is_loaded_once_complete()
    {
        KeyHashIsAlpha.Value.Save(ModelPath);
        var beta = Path.Combine(_folder, "beta.zip");
        KeyHashIsBeta.Value.Save(beta);
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance, TimeSpan.FromMilliseconds(100));
        classifier.ReloadIfChanged();
        classifier.StartWatching();

        File.Copy(beta, ModelPath, overwrite: true);

        await WaitUntil(() => classifier.Rank(KeyHashQuestion).Top.Intent == "beta");
    }

    [Fact]
    public void A_file_that_does_not_load_keeps_the_model_in_service()
    {
        KeyHashIsAlpha.Value.Save(ModelPath);
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance);
        classifier.ReloadIfChanged();

        File.WriteAllText(ModelPath, "not a model");

        Assert.False(classifier.ReloadIfChanged());
        Assert.Equal(1, classifier.Version);
        Assert.Equal("alpha", classifier.Rank(KeyHashQuestion).Top.Intent);
    }

    [Fact]
    public void An_unchanged_file_is_not_loaded_again()
    {
        KeyHashIsAlpha.Value.Save(ModelPath);
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance);
        classifier.Publish(IntentClassifier.Load(ModelPath));

        Assert.False(classifier.ReloadIfChanged());
        Assert.Equal(1, classifier.Version);
    }

    [Fact]
    public async Task Ranking_before_the_first_model_waits_for_it()
    {
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance)
        {
            FirstModelTimeout = TimeSpan.FromSeconds(30),
        };
        Assert.False(classifier.IsLoaded);

        var ranking = Task.Run(() => classifier.Rank(KeyHashQuestion));
        await Task.Delay(200);
        Assert.False(ranking.IsCompleted);

        classifier.Publish(KeyHashIsAlpha.Value);

        Assert.Equal("alpha", (await ranking.WaitAsync(TimeSpan.FromSeconds(10))).Top.Intent);
        Assert.True(classifier.IsLoaded);
        await classifier.WhenLoaded();
    }

    [Fact]
    public void Ranking_gives_up_when_no_model_arrives_in_time()
    {
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance)
        {
            FirstModelTimeout = TimeSpan.FromMilliseconds(100),
        };

        var error = Assert.Throws<TimeoutException>(() => classifier.Rank(KeyHashQuestion));
        Assert.Contains(ModelPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ranking_goes_on_from_many_threads_while_models_are_swapped()
    {
        KeyHashIsAlpha.Value.Save(ModelPath);
        using var classifier = new ReloadingIntentClassifier(ModelPath, NullLogger<ReloadingIntentClassifier>.Instance, TimeSpan.FromMilliseconds(20));
        classifier.ReloadIfChanged();
        classifier.StartWatching();
        using var stop = new CancellationTokenSource();

        var rankers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var seen = new HashSet<string>();
            while (!stop.IsCancellationRequested)
            {
                seen.Add(classifier.Rank(KeyHashQuestion).Top.Intent);
                await Task.Delay(1);
            }

            return seen;
        })).ToList();
        foreach (var model in new[] { KeyHashIsBeta, KeyHashIsAlpha, KeyHashIsBeta })
        {
            var version = classifier.Version;
            model.Value.Save(ModelPath);
            await WaitUntil(() => classifier.Version > version);
        }

        await stop.CancelAsync();
        var seenIntents = (await Task.WhenAll(rankers)).SelectMany(s => s).ToHashSet();
        Assert.Subset(new HashSet<string> { "alpha", "beta" }, seenIntents);
        Assert.Equal("beta", classifier.Rank(KeyHashQuestion).Top.Intent);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IntentClassifier Train(string first, string second)
    {
        string[] keyHash = [KeyHashQuestion, "android key hash error", "the key hash is wrong on android", "keyhash not registered"];
        string[] logout = ["logout does not work", "cannot log out of kakao", "sign out fails", "logout api returns an error"];
        var utterances = keyHash.Select(t => new LabeledUtterance(t, first, "test"))
            .Concat(logout.Select(t => new LabeledUtterance(t, second, "test")))
            .ToList();
        return new ClassifierTrainer(NullLogger<ClassifierTrainer>.Instance)
            .Train(utterances, ClassifierPipelines.Find(ClassifierPipelines.DefaultName));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the model file was not reloaded within 15 s");
            await Task.Delay(20);
        }
    }
}
