using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Classification;

/// <summary>Ranks every intent for an utterance. Implementations are safe to call from many threads at once.</summary>
public interface IIntentClassifier
{
    IntentRanking Rank(string? text);
}

/// <summary>
/// A trained ML.NET model behind a thread-safe <see cref="Rank"/>: a <c>PredictionEngine</c> is
/// not thread-safe, so each call borrows one from a small pool and gives it back.
/// </summary>
public sealed class IntentClassifier : IIntentClassifier
{
    private readonly ConcurrentBag<Predictor> _engines = [];
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly string[] _labels;

    public IntentClassifier(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        _ml = ml;
        _model = model;
        _labels = ReadLabels(model.GetOutputSchema(inputSchema));
    }

    /// <summary>The intents this model knows, in the order of its score vector.</summary>
    public IReadOnlyList<string> Labels => _labels;

    public static IntentClassifier Load(string modelPath)
    {
        var ml = new MLContext(seed: 1);
        using var stream = File.OpenRead(modelPath);
        var model = ml.Model.Load(stream, out var inputSchema);
        return new IntentClassifier(ml, model, inputSchema);
    }

    public IntentRanking Rank(string? text)
    {
        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            // Nothing to classify: certain it is not a question we can answer.
            return new IntentRanking(normalized, [new IntentScore(Intents.OutOfScope, 1f)]);
        }

        if (!_engines.TryTake(out var predictor))
        {
            predictor = new Predictor(_ml.Model.CreatePredictionEngine<UtteranceRow, ScoreRow>(_model));
        }

        var ranked = new IntentScore[_labels.Length];
        try
        {
            // The input and output rows go back to the pool with their engine: ranking runs on
            // every turn, and each allocation here is garbage the whole host pays for.
            predictor.Input.Text = normalized;
            predictor.Engine.Predict(predictor.Input, ref predictor.Output);
            var scores = predictor.Output.Score;
            for (var i = 0; i < ranked.Length; i++)
            {
                ranked[i] = new IntentScore(_labels[i], scores[i]);
            }
        }
        finally
        {
            _engines.Add(predictor);
        }

        // Sorting (label, score) pairs, never looking labels up by score: equal scores stay correct.
        Array.Sort(ranked, static (a, b) => b.Probability.CompareTo(a.Probability));
        return new IntentRanking(normalized, ranked);
    }

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);

        // Written beside the target and moved over it, so a reader never sees half a model.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var inputSchema = _ml.Data.LoadFromEnumerable(Array.Empty<UtteranceRow>()).Schema;
            _ml.Model.Save(_model, inputSchema, temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private sealed class Predictor(PredictionEngine<UtteranceRow, ScoreRow> engine)
    {
        public PredictionEngine<UtteranceRow, ScoreRow> Engine { get; } = engine;

        public UtteranceRow Input { get; } = new();

        // A field, because Predict fills it in place through a ref.
        public ScoreRow Output = new();
    }

    private static string[] ReadLabels(DataViewSchema outputSchema)
    {
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        outputSchema["Score"].GetSlotNames(ref slotNames);
        return slotNames.DenseValues().Select(name => name.ToString()).ToArray();
    }
}
