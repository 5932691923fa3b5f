using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Benchmarks;

/// <summary>
/// <c>--training [RUNS]</c>: wall-clock time to train the default pipeline, a Stopwatch around each
/// fit rather than a BenchmarkDotNet job (one fit takes seconds; a few runs say enough). Prints a
/// Markdown table. The first run includes the JIT and ML.NET's start-up, as a cold <c>train</c> does.
/// </summary>
public static class TrainingTimer
{
    public static int Run(int runs)
    {
        var pipeline = ClassifierPipelines.Find(ClassifierPipelines.DefaultName);
        var trainer = new ClassifierTrainer(NullLogger<ClassifierTrainer>.Instance);
        var rows = new List<(double Load, double Fit, double Save)>();
        var modelPath = Path.Combine(Path.GetTempPath(), $"supportbot-bench-{Guid.NewGuid():N}.zip");
        int utterances = 0, intents = 0;
        try
        {
            for (var run = 0; run < runs; run++)
            {
                var stopwatch = Stopwatch.StartNew();
                var data = BenchmarkModel.LocateData();
                var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(data);
                var training = TrainingDataLoader.LoadTraining(data, knowledgeBase);
                var load = stopwatch.Elapsed.TotalSeconds;

                stopwatch.Restart();
                var classifier = trainer.Train(training, pipeline);
                var fit = stopwatch.Elapsed.TotalSeconds;

                stopwatch.Restart();
                classifier.Save(modelPath);
                var save = stopwatch.Elapsed.TotalSeconds;

                rows.Add((load, fit, save));
                utterances = training.Count;
                intents = classifier.Labels.Count;
                Console.Error.WriteLine($"run {run + 1}/{runs}: {load + fit + save:F2} s");
            }
        }
        finally
        {
            File.Delete(modelPath);
        }

        var totals = rows.Select(r => r.Load + r.Fit + r.Save).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Training time, {pipeline.Name}, {utterances} utterances, {intents} intents, {Environment.ProcessorCount} cores (Stopwatch, one process):"));
        Console.WriteLine();
        Console.WriteLine("| run | load data (s) | fit (s) | save (s) | total (s) |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {index + 1}{(index == 0 ? " (cold)" : string.Empty)} | {row.Load:F2} | {row.Fit:F2} | {row.Save:F2} | {row.Load + row.Fit + row.Save:F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {totals[totals.Count / 2]:F2} s, min {totals[0]:F2} s, max {totals[^1]:F2} s"));
        return 0;
    }
}
