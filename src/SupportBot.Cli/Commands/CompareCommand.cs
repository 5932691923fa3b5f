using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SupportBot.Core.Classification;
using SupportBot.Core.Evaluation;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Cli.Commands;

/// <summary>
/// <c>supportbot compare [--folds K] [--pipeline NAME]</c>: cross-validates the candidate pipelines
/// on the training data only (the held-out set stays unseen) and prints the comparison table.
/// </summary>
public static class CompareCommand
{
    public static int Run(CliContext context)
    {
        var folds = context.Line.IntOption("folds", 5, 2, 20);
        var languages = context.Languages();
        IReadOnlyList<ClassifierPipeline> pipelines = context.Line.Option("pipeline") is null ? ClassifierPipelines.All : [context.Pipeline()];
        var knowledgeBase = context.LoadKnowledgeBase();
        var training = TrainingDataLoader.LoadTraining(context.Data, knowledgeBase);
        var trainer = new ClassifierTrainer(context.Loggers.CreateLogger<ClassifierTrainer>());
        var policy = context.Policy(knowledgeBase);
        var progress = new Progress<string>(message => Console.Error.WriteLine(message));

        Console.WriteLine($"{folds}-fold cross-validation on {training.Count} training utterances ({languages}):");
        Console.WriteLine();
        Console.WriteLine("| pipeline | top-1 | top-3 | macro-F1 | OOS recall | in-scope fallback | seconds per fit |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var pipeline in pipelines)
        {
            var stopwatch = Stopwatch.StartNew();
            var ranked = trainer.CrossValidate(training, pipeline, folds, progress, languages);
            var seconds = stopwatch.Elapsed.TotalSeconds / folds;
            Row($"{pipeline.Name} ({pipeline.Description})", ranked, seconds.ToString("F1", CultureInfo.InvariantCulture));

            // Each language on its own too, when there is more than one.
            var byLanguage = ranked.GroupBy(r => Language.Of(r.Utterance.Text)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            foreach (var language in byLanguage.Where(_ => byLanguage.Count > 1))
            {
                Row($"{pipeline.Name}, {language.Key} only", language.ToList(), "");
            }
        }

        return 0;

        void Row(string name, IReadOnlyList<(LabeledUtterance Utterance, IntentRanking Ranking)> ranked, string seconds)
        {
            var r = Evaluator.Evaluate(name, ranked, policy);
            Console.WriteLine(
                $"| {name} | {MarkdownReport.Percent(r.Top1Accuracy)} | {MarkdownReport.Percent(r.Top3Accuracy)} | {r.MacroF1:F3} | {MarkdownReport.Percent(r.OutOfScopeRecall)} | {MarkdownReport.Percent(r.InScopeFallbackRate)} | {seconds} |");
        }
    }
}
