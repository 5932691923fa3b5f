using System.Globalization;
using System.Text.RegularExpressions;

namespace SupportBot.Cli.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class EvaluateTests(TrainedModelFixture model)
{
    [Fact]
    public void Evaluate_prints_the_held_out_metrics_and_writes_the_markdown_report_beside_the_model()
    {
        var report = Path.Combine(Path.GetDirectoryName(model.ModelPath)!, "evaluation.md");

        var run = model.Run("evaluate");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"^Held-out set: \d+ utterances \(\d+ in scope, \d+ out of scope\)", run.Stdout);
        foreach (var metric in new[] { "top-1 accuracy", "top-3 accuracy", "out-of-scope precision", "out-of-scope recall", "in-scope false fallback" })
        {
            Assert.InRange(Percent(run.Stdout, metric), 0.0, 100.0);
        }

        Assert.Matches(@"macro-F1\s+[01]\.\d{3}", run.Stdout);
        Assert.Contains("Weakest intents (F1):", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Most confused pairs", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Report: {report}", run.Stdout, StringComparison.Ordinal);

        var markdown = File.ReadAllText(report);
        Assert.StartsWith("# Evaluation: held-out", markdown, StringComparison.Ordinal);
        Assert.Contains($"| top-1 accuracy (in scope) | {Percent(run.Stdout, "top-1 accuracy").ToString("F1", CultureInfo.InvariantCulture)}% |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Per intent", markdown, StringComparison.Ordinal);
    }

    private static double Percent(string output, string metric)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(metric)}\s+(\d+(\.\d+)?)%", RegexOptions.Multiline);
        Assert.True(match.Success, $"no '{metric}' percentage in:\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
