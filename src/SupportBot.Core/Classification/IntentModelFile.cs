using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Classification;

/// <summary>What <c>train</c> writes beside the model: how it was made and from which data.</summary>
public sealed record TrainingMetrics(
    string Pipeline,
    DateTimeOffset TrainedAt,
    int Utterances,
    int Intents,
    double TrainingSeconds,
    long ModelBytes,
    string DataFingerprint,
    LanguageSplit Languages = LanguageSplit.PerLanguage,
    IReadOnlyDictionary<string, KeyTermFloors>? KeyTermFloors = null);

/// <summary>The key-term check's floors of one language, as calibrated on its training utterances.</summary>
public sealed record KeyTermFloors(float Answer, float Candidate);

/// <summary>The trained model as a file: train and save it, load it, or train it when there is none.</summary>
public static class IntentModelFile
{
    public const string DefaultFileName = "intent-model.zip";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary><c>models/intent-model.zip</c> beside <c>training-data/</c>.</summary>
    public static string DefaultPath(TrainingDataPaths data) =>
        Path.Combine(Path.GetDirectoryName(data.Root) ?? data.Root, "models", DefaultFileName);

    public static string MetricsPath(string modelPath) => Path.ChangeExtension(modelPath, ".metrics.json");

    public static (IntentClassifier Classifier, TrainingMetrics Metrics) TrainAndSave(
        TrainingDataPaths data,
        string modelPath,
        ILoggerFactory loggers,
        string pipelineName = ClassifierPipelines.DefaultName,
        LanguageSplit languages = LanguageSplit.PerLanguage)
    {
        var stopwatch = Stopwatch.StartNew();
        var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(data);
        var training = TrainingDataLoader.LoadTraining(data, knowledgeBase);
        var classifier = new ClassifierTrainer(loggers.CreateLogger<ClassifierTrainer>())
            .Train(training, ClassifierPipelines.Find(pipelineName), languages);
        classifier.Save(modelPath);

        var metrics = new TrainingMetrics(
            pipelineName,
            DateTimeOffset.UtcNow,
            training.Count,
            training.Select(u => u.Intent).Distinct().Count(),
            Math.Round(stopwatch.Elapsed.TotalSeconds, 2),
            new FileInfo(modelPath).Length,
            Fingerprint(data),
            languages,
            new[] { Language.English, Language.Korean }
                .Where(l => classifier.KeyTerms(l) is not null)
                .ToDictionary(l => l, l => new KeyTermFloors(classifier.KeyTerms(l)!.AnswerFloor, classifier.KeyTerms(l)!.CandidateFloor)));
        File.WriteAllText(MetricsPath(modelPath), JsonSerializer.Serialize(metrics, JsonOptions));
        loggers.CreateLogger(typeof(IntentModelFile)).LogInformation(
            "Wrote {ModelPath} ({ModelBytes} bytes) in {Seconds:F1} s", modelPath, metrics.ModelBytes, metrics.TrainingSeconds);
        return (classifier, metrics);
    }

    /// <summary>Loads the model; trains and saves one first when the file does not exist.</summary>
    public static IntentClassifier LoadOrTrain(TrainingDataPaths data, string modelPath, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(IntentModelFile));
        if (File.Exists(modelPath))
        {
            var metrics = ReadMetrics(modelPath);
            if (metrics is not null && metrics.DataFingerprint != Fingerprint(data))
            {
                logger.LogWarning("{ModelPath} was trained on other training data than {DataPath}; run 'supportbot train' to refresh it", modelPath, data.Root);
            }

            return IntentClassifier.Load(modelPath);
        }

        if (TrySeed(data, modelPath, logger))
        {
            return IntentClassifier.Load(modelPath);
        }

        logger.LogInformation("No model at {ModelPath}: training one from {DataPath}", modelPath, data.Root);
        return TrainAndSave(data, modelPath, loggers).Classifier;
    }

    public static TrainingMetrics? ReadMetrics(string modelPath)
    {
        var path = MetricsPath(modelPath);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<TrainingMetrics>(File.ReadAllText(path), JsonOptions) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A hash of everything training reads (not the held-out set), to tell a stale model.</summary>
    public static string Fingerprint(TrainingDataPaths data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var folder in new[] { data.KnowledgeBase, data.Utterances, data.Review }.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
                hash.AppendData(File.ReadAllBytes(file));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>
    /// A hash of the training data as shipped (every file's relative path and content, the
    /// dashboard's <c>review/</c> folder left out): replicas of one release share it, so a model
    /// retrained on one of them is one the others may serve, and a new release's is new.
    /// </summary>
    public static string ShippedDataFingerprint(TrainingDataPaths data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(data.Root, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(data.Root, file).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith("review/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            // The length first, so that no path and content can pass for another's.
            var name = System.Text.Encoding.UTF8.GetBytes(relative);
            var content = File.ReadAllBytes(Path.Combine(data.Root, relative));
            hash.AppendData(BitConverter.GetBytes((long)name.Length));
            hash.AppendData(name);
            hash.AppendData(BitConverter.GetBytes((long)content.Length));
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Copies the model shipped beside the training data (<see cref="DefaultPath"/>: a container
    /// image's, read-only) to <paramref name="modelPath"/> on first start, when it was trained on
    /// this very data, so a model path on a fresh data volume starts at once instead of training.
    /// </summary>
    private static bool TrySeed(TrainingDataPaths data, string modelPath, ILogger logger)
    {
        var shipped = DefaultPath(data);
        if (string.Equals(Path.GetFullPath(shipped), Path.GetFullPath(modelPath), StringComparison.Ordinal)
            || !File.Exists(shipped)
            || ReadMetrics(shipped)?.DataFingerprint != Fingerprint(data))
        {
            return false;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
            File.Copy(MetricsPath(shipped), MetricsPath(modelPath), overwrite: true);
            File.Copy(shipped, modelPath + ".seed", overwrite: true);
            File.Move(modelPath + ".seed", modelPath, overwrite: true);
            logger.LogInformation("Copied the shipped model {ShippedPath} to {ModelPath}", shipped, modelPath);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not copy the shipped model {ShippedPath} to {ModelPath}", shipped, modelPath);
            return false;
        }
    }
}
