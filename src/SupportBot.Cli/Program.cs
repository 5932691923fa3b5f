using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportBot.Cli;
using SupportBot.Cli.Commands;
using SupportBot.Core.Knowledge;

const string Usage = """
    supportbot: train, evaluate and ask the SupportBot intent classifier.

      train     [--pipeline NAME] [--languages per-language|shared]
                                             train from training-data/, write the model and its metrics
      evaluate  [--report FILE] [--rankings FILE]
                                             held-out accuracy (all, English, Korean), per-entry report, confused pairs;
                                             --rankings writes each utterance's five best intents as JSON Lines
      ask       [--top N] [--locale en|ko] [QUESTION...]
                                             answer as JSON; with no question, JSON Lines from stdin
      compare   [--folds K] [--pipeline NAME] [--languages per-language|shared]
                                             cross-validate the candidate pipelines on training data

    Common options: --data DIR (training-data/), --model FILE (models/intent-model.zip),
                    --settings FILE (the web host's appsettings.json, found beside the training data).
    Environment: Classifier__TrainingDataPath, Classifier__ModelPath, and the host's settings such as
                 Classifier__Decision__AnswerThreshold (the thresholds the bot and the REST API use).
    """;

using var loggers = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning)
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

try
{
    var line = CommandLine.Parse(args);
    if (line.Verb is "help" or "--help" or "-h")
    {
        Console.Error.WriteLine(Usage);
        return 0;
    }

    Func<CliContext, int> command = line.Verb switch
    {
        "train" => TrainCommand.Run,
        "evaluate" => EvaluateCommand.Run,
        "ask" => AskCommand.Run,
        "compare" => CompareCommand.Run,
        _ => throw new UsageException($"Unknown command '{line.Verb}'."),
    };
    return command(new CliContext(line, loggers));
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"supportbot: {ex.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"supportbot: invalid settings: {ex.Message}");
    return 1;
}
catch (KnowledgeBaseException ex)
{
    Console.Error.WriteLine($"supportbot: invalid training data: {ex.Message}");
    return 1;
}
