using System.Globalization;
using SupportBot.Core.Classification;

namespace SupportBot.Cli.Commands;

/// <summary><c>supportbot train</c>: trains from training-data/ and writes the model and its metrics file.</summary>
public static class TrainCommand
{
    public static int Run(CliContext context)
    {
        var pipeline = context.Pipeline();
        var (_, metrics) = IntentModelFile.TrainAndSave(context.Data, context.ModelPath, context.Loggers, pipeline.Name, context.Languages());
        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Trained {metrics.Pipeline} ({(metrics.Languages == LanguageSplit.Shared ? "one model for every language" : "a model per language")}) on {metrics.Utterances} utterances ({metrics.Intents} intents) in {metrics.TrainingSeconds:F1} s; model {metrics.ModelBytes / 1024.0 / 1024.0:F2} MB at {context.ModelPath}"));
        foreach (var (language, floors) in metrics.KeyTermFloors ?? new Dictionary<string, KeyTermFloors>())
        {
            Console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Key-term floors ({language}), calibrated on the training utterances: answer {floors.Answer:F3}, did-you-mean candidate {floors.Candidate:F3}"));
        }

        return 0;
    }
}
