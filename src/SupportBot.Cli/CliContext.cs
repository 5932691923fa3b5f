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

    // The same names as the web host's configuration keys, as environment variables.
    public TrainingDataPaths Data { get; } = TrainingDataPaths.Locate(
        line.Option("data") ?? Environment.GetEnvironmentVariable("Classifier__TrainingDataPath"));

    public string ModelPath => Path.GetFullPath(
        Line.Option("model") ?? Environment.GetEnvironmentVariable("Classifier__ModelPath") ?? IntentModelFile.DefaultPath(Data));

    public KnowledgeBase LoadKnowledgeBase() => TrainingDataLoader.LoadKnowledgeBase(Data);

    public DecisionPolicy Policy(KnowledgeBase knowledgeBase) =>
        new(Options.Create(new DecisionOptions()), knowledgeBase);
}
