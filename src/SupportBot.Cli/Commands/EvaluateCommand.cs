using System.Text.Json;
using SupportBot.Core.Classification;
using SupportBot.Core.Evaluation;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Cli.Commands;

/// <summary>
/// <c>supportbot evaluate [--report FILE] [--rankings FILE]</c>: the model on the held-out set; prints the summary,
/// the weakest entries and the most confused pairs, and writes the full Markdown report.
/// </summary>
public static class EvaluateCommand
{
    public static int Run(CliContext context)
    {
        var knowledgeBase = context.LoadKnowledgeBase();
        var training = TrainingDataLoader.LoadTraining(context.Data, knowledgeBase);
        var heldOut = TrainingDataLoader.LoadHeldOut(context.Data, knowledgeBase, training);
        var classifier = IntentModelFile.LoadOrTrain(context.Data, context.ModelPath, context.Loggers);

        var ranked = new List<(LabeledUtterance, IntentRanking)>(heldOut.Count);
        foreach (var (utterance, index) in heldOut.Select((u, i) => (u, i)))
        {
            ranked.Add((utterance, classifier.Rank(utterance.Text)));
            if ((index + 1) % 200 == 0 || index + 1 == heldOut.Count)
            {
                Console.Error.WriteLine($"ranked {index + 1}/{heldOut.Count}");
            }
        }

        if (context.Line.Option("rankings") is { } rankingsPath)
        {
            // One JSON line per held-out utterance with its five best intents, for analysis outside the tool.
            File.WriteAllLines(rankingsPath, ranked.Select(r => JsonSerializer.Serialize(new
            {
                text = r.Item1.Text,
                expected = r.Item1.Intent,
                source = r.Item1.Source,
                top = r.Item2.Scores.Take(5).Select(s => new { intent = s.Intent, p = s.Probability }),
            })));
        }

        var report = Evaluator.Evaluate("held-out", ranked, context.Policy(knowledgeBase));
        var pipeline = IntentModelFile.ReadMetrics(context.ModelPath)?.Pipeline ?? "unknown pipeline";
        var reportPath = Path.GetFullPath(context.Line.Option("report")
            ?? Path.Combine(Path.GetDirectoryName(context.ModelPath)!, "evaluation.md"));
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        File.WriteAllText(reportPath, MarkdownReport.Render(report, pipeline));

        Console.WriteLine($"Held-out set: {report.Utterances} utterances ({report.InScope} in scope, {report.OutOfScope} out of scope)");
        Console.WriteLine($"  top-1 accuracy            {MarkdownReport.Percent(report.Top1Accuracy)}");
        Console.WriteLine($"  top-3 accuracy            {MarkdownReport.Percent(report.Top3Accuracy)}");
        Console.WriteLine($"  macro-F1                  {report.MacroF1:F3}");
        Console.WriteLine($"  out-of-scope precision    {MarkdownReport.Percent(report.OutOfScopePrecision)}");
        Console.WriteLine($"  out-of-scope recall       {MarkdownReport.Percent(report.OutOfScopeRecall)}");
        Console.WriteLine($"  in-scope false fallback   {MarkdownReport.Percent(report.InScopeFallbackRate)}");
        Console.WriteLine($"  near-domain rejected      {MarkdownReport.NearDomain(report.NearDomain)}");
        Console.WriteLine($"  outcomes                  {string.Join(", ", report.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
        foreach (var language in new[] { Language.English, Language.Korean })
        {
            var part = Evaluator.Evaluate($"held-out ({language})", ranked.Where(r => Language.Of(r.Item1.Text) == language).ToList(), context.Policy(knowledgeBase));
            Console.WriteLine($"  {language}: {part.Utterances} utterances; top-1 {MarkdownReport.Percent(part.Top1Accuracy)}, top-3 {MarkdownReport.Percent(part.Top3Accuracy)}, " +
                $"out-of-scope recall {MarkdownReport.Percent(part.OutOfScopeRecall)}, near-domain rejected {MarkdownReport.NearDomain(part.NearDomain)}, in-scope false fallback {MarkdownReport.Percent(part.InScopeFallbackRate)}, macro-F1 {part.MacroF1:F3}");
        }

        Console.WriteLine("Weakest intents (F1):");
        foreach (var m in report.PerIntent.OrderBy(m => m.F1).Take(8))
        {
            Console.WriteLine($"  {m.Intent,-42} F1 {m.F1:F2}  recall {m.Recall:F2}  precision {m.Precision:F2}");
        }

        Console.WriteLine("Most confused pairs (expected -> taken for):");
        foreach (var pair in report.ConfusedPairs.Take(8))
        {
            Console.WriteLine($"  {pair.Expected} -> {pair.Predicted}: {pair.Count}");
        }

        Console.WriteLine($"Report: {reportPath}");
        return 0;
    }
}
