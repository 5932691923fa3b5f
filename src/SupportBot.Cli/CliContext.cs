using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Cli;

/// <summary>
/// What every verb needs: where the data and the model are, and the loggers (standard error only,
/// so standard output carries nothing but a command's result).
/// </summary>
public sealed class CliContext(CommandLine line, ILoggerFactory loggers)
{
    public CommandLine Line { get; } = line;

    public ILoggerFactory Loggers { get; } = loggers;

    private TrainingDataPaths? _data;
    private IConfiguration? _settings;

    // Found on first use, so a usage error is reported as one even outside a checkout.
    // The same names as the web host's configuration keys, as environment variables.
    public TrainingDataPaths Data => _data ??= TrainingDataPaths.Locate(
        Line.Option("data") ?? Environment.GetEnvironmentVariable("Classifier__TrainingDataPath"));

    /// <summary>The pipeline named by --pipeline (the default when none), checked before any work starts.</summary>
    public ClassifierPipeline Pipeline(string fallback = ClassifierPipelines.DefaultName)
    {
        try
        {
            return ClassifierPipelines.Find(Line.Option("pipeline") ?? fallback);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>--languages: <c>per-language</c> (the default: a Korean model beside the English one) or <c>shared</c> (one model).</summary>
    public LanguageSplit Languages() => Line.Option("languages")?.ToLowerInvariant() switch
    {
        null or "per-language" => LanguageSplit.PerLanguage,
        "shared" => LanguageSplit.Shared,
        var other => throw new UsageException($"--languages must be per-language or shared, not '{other}'."),
    };

    public string ModelPath => Path.GetFullPath(
        Line.Option("model") ?? Environment.GetEnvironmentVariable("Classifier__ModelPath") ?? IntentModelFile.DefaultPath(Data));

    public KnowledgeBase LoadKnowledgeBase() => TrainingDataLoader.LoadKnowledgeBase(Data);

    /// <summary>The host's configuration: --settings FILE, else the host's appsettings.json (see <see cref="HostSettings.Locate"/>), and the environment.</summary>
    public IConfiguration Settings => _settings ??= HostSettings.Load(HostSettings.Locate(Line.Option("settings"), Data));

    /// <summary>The decision policy with the host's <c>Classifier:Decision</c> thresholds.</summary>
    public DecisionPolicy Policy(KnowledgeBase knowledgeBase) =>
        new(Options.Create(HostSettings.Decision(Settings)), knowledgeBase);
}
