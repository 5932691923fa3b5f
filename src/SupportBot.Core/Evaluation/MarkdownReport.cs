using System.Globalization;
using System.Text;

namespace SupportBot.Core.Evaluation;

/// <summary>Renders an evaluation as a Markdown page a person can read in a pull request.</summary>
public static class MarkdownReport
{
    public static string Render(EvaluationReport report, string modelDescription, int maxMisses = 60)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Evaluation: {report.SetName}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Model: {modelDescription}. Utterances: {report.Utterances} ({report.InScope} in scope, {report.OutOfScope} out of scope).");
        md.AppendLine();
        md.AppendLine("| metric | value |");
        md.AppendLine("| --- | --- |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| top-1 accuracy (in scope) | {Percent(report.Top1Accuracy)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| top-3 accuracy (in scope) | {Percent(report.Top3Accuracy)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| macro-F1 (decisions, all intents) | {report.MacroF1:F3} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| out-of-scope precision | {Percent(report.OutOfScopePrecision)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| out-of-scope recall | {Percent(report.OutOfScopeRecall)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| in-scope false-fallback rate | {Percent(report.InScopeFallbackRate)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| near-domain out of scope rejected | {NearDomain(report.NearDomain)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| outcomes | {string.Join(", ", report.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))} |");
        md.AppendLine();

        md.AppendLine("## Most confused pairs");
        md.AppendLine();
        md.AppendLine("| expected | taken for | count |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var pair in report.ConfusedPairs.Take(15))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {pair.Expected} | {pair.Predicted} | {pair.Count} |");
        }

        md.AppendLine();
        md.AppendLine("## Per intent");
        md.AppendLine();
        md.AppendLine("| intent | support | precision | recall | F1 | top-1 |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var m in report.PerIntent.OrderBy(m => m.F1).ThenBy(m => m.Intent, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Intent} | {m.Support} | {m.Precision:F2} | {m.Recall:F2} | {m.F1:F2} | {Percent(m.Top1Accuracy)} |");
        }

        md.AppendLine();
        md.AppendLine("## Misses");
        md.AppendLine();
        md.AppendLine("| utterance | expected | ranked first | p | bot did |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var miss in report.Misses.Take(maxMisses))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(miss.Text)} | {miss.Expected} | {miss.RankedFirst} | {miss.Probability:F2} | {miss.Outcome} |");
        }

        if (report.Misses.Count > maxMisses)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"... and {report.Misses.Count - maxMisses} more.");
        }

        return md.ToString();
    }

    /// <summary>"93.1% (54 of 58; clarify 1, answered 3)": what the bot did with the near-domain questions.</summary>
    public static string NearDomain(NearDomainOutcomes n) =>
        n.Utterances == 0 ? "none in the set" : $"{Percent(n.RejectedShare)} ({n.Rejected} of {n.Utterances}; clarify {n.Clarified}, answered {n.Answered})";

    public static string Percent(double ratio) => (ratio * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
