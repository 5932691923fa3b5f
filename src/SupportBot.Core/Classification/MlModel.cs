using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace SupportBot.Core.Classification;

/// <summary>
/// One fitted ML.NET pipeline with a thread-safe scorer: a <c>PredictionEngine</c> is not
/// thread-safe, so each call borrows one from a small pool and gives it back.
/// </summary>
internal sealed class MlModel
{
    private readonly ConcurrentBag<Predictor> _engines = [];
    private readonly MLContext _ml;
    private readonly ITransformer _model;

    public MlModel(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        _ml = ml;
        _model = model;
        Labels = ReadLabels(model.GetOutputSchema(inputSchema));
    }

    /// <summary>The intents this model knows, in the order of its score vector.</summary>
    public string[] Labels { get; }

    public static MlModel Load(Stream stream)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(stream, out var inputSchema);
        return new MlModel(ml, model, inputSchema);
    }

    /// <summary>Every label with its probability, unsorted, for text already normalised.</summary>
    public IntentProbability[] Score(string normalized)
    {
        if (!_engines.TryTake(out var predictor))
        {
            predictor = new Predictor(_ml.Model.CreatePredictionEngine<UtteranceRow, ScoreRow>(_model));
        }

        var scored = new IntentProbability[Labels.Length];
        try
        {
            // The input and output rows go back to the pool with their engine: ranking runs on
            // every turn, and each allocation here is garbage the whole host pays for.
            predictor.Input.Text = normalized;
            predictor.Engine.Predict(predictor.Input, ref predictor.Output);
            var scores = predictor.Output.Score;
            for (var i = 0; i < scored.Length; i++)
            {
                scored[i] = new IntentProbability(Labels[i], scores[i]);
            }
        }
        finally
        {
            _engines.Add(predictor);
        }

        return scored;
    }

    public void Save(Stream stream)
    {
        var inputSchema = _ml.Data.LoadFromEnumerable(Array.Empty<UtteranceRow>()).Schema;
        _ml.Model.Save(_model, inputSchema, stream);
    }

    private static string[] ReadLabels(DataViewSchema outputSchema)
    {
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        outputSchema["Score"].GetSlotNames(ref slotNames);
        return slotNames.DenseValues().Select(name => name.ToString()).ToArray();
    }

    private sealed class Predictor(PredictionEngine<UtteranceRow, ScoreRow> engine)
    {
        public PredictionEngine<UtteranceRow, ScoreRow> Engine { get; } = engine;

        public UtteranceRow Input { get; } = new();

        // A field, because Predict fills it in place through a ref.
        public ScoreRow Output = new();
    }
}
