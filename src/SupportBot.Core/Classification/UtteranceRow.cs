using Microsoft.ML.Data;

namespace SupportBot.Core.Classification;

/// <summary>The classifier's input row: normalised text and, in training, its intent.</summary>
public sealed class UtteranceRow
{
    public string Text { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;
}

/// <summary>The classifier's output row: one probability per intent, in the order of the Score column's slot names.</summary>
public sealed class ScoreRow
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}
