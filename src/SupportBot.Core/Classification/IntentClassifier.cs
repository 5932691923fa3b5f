using System.IO.Compression;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Classification;

/// <summary>Ranks every intent for an utterance. Implementations are safe to call from many threads at once.</summary>
public interface IIntentClassifier
{
    IntentRanking Rank(string? text);
}

/// <summary>
/// The trained intent model: one ML.NET model for English (and anything else), and, when trained
/// with Korean utterances, a second one for text with Hangul in it, chosen per utterance by
/// <see cref="Language"/> (see docs/model.md for why two models beat one shared model).
/// Thread-safe.
/// </summary>
public sealed class IntentClassifier : IIntentClassifier
{
    // Entries of the outer zip of a two-language model; each is an ML.NET model zip as is.
    private const string EnglishEntry = "languages/en.zip";
    private const string KoreanEntry = "languages/ko.zip";
    private const string EnglishKeyTermsEntry = "key-terms/en.json";
    private const string KoreanKeyTermsEntry = "key-terms/ko.json";

    // Fixed entry times, so the same models make the same file.
    private static readonly DateTimeOffset EntryTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly MlModel _english;
    private readonly MlModel? _korean;
    private readonly KeyTermIndex? _englishTerms;
    private readonly KeyTermIndex? _koreanTerms;

    internal IntentClassifier(MlModel english, MlModel? korean, KeyTermIndex? englishTerms = null, KeyTermIndex? koreanTerms = null)
    {
        _english = english;
        _korean = korean;
        _englishTerms = englishTerms;
        _koreanTerms = koreanTerms;
        Labels = korean is null ? english.Labels : english.Labels.Union(korean.Labels, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every intent either model knows.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Whether Korean text goes to a model of its own (false: one model ranks every language).</summary>
    public bool HasKoreanModel => _korean is not null;

    /// <summary>The key-term index of a language (<see cref="Language.English"/> or <see cref="Language.Korean"/>); null in a file written before it.</summary>
    public KeyTermIndex? KeyTerms(string language) => language == Language.Korean ? _koreanTerms : _englishTerms;

    /// <summary>Loads a model file: a two-language file, or a one-model file as written before Korean came in.</summary>
    public static IntentClassifier Load(string modelPath)
    {
        using var file = File.OpenRead(modelPath);
        using (var archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
        {
            if (archive.GetEntry(EnglishEntry) is { } english)
            {
                return new IntentClassifier(
                    LoadEntry(english),
                    archive.GetEntry(KoreanEntry) is { } korean ? LoadEntry(korean) : null,
                    LoadKeyTerms(archive.GetEntry(EnglishKeyTermsEntry)),
                    LoadKeyTerms(archive.GetEntry(KoreanKeyTermsEntry)));
            }
        }

        file.Position = 0;
        return new IntentClassifier(MlModel.Load(file), korean: null);
    }

    public IntentRanking Rank(string? text)
    {
        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            // Nothing to classify: certain it is not a question we can answer.
            return new IntentRanking(normalized, [new IntentProbability(Intents.OutOfScope, 1f)]);
        }

        var korean = Language.IsKorean(normalized);
        var model = _korean is not null && korean ? _korean : _english;
        var ranked = model.Score(normalized);

        // Sorting (label, score) pairs, never looking labels up by score: equal scores stay correct.
        Array.Sort(ranked, static (a, b) => b.Probability.CompareTo(a.Probability));
        return new IntentRanking(normalized, ranked) { KeyTerms = korean ? _koreanTerms : _englishTerms };
    }

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);

        // Written beside the target and moved over it, so a reader never sees half a model.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = File.Create(temporary))
            {
                if (_korean is null)
                {
                    _english.Save(file);
                }
                else
                {
                    using var archive = new ZipArchive(file, ZipArchiveMode.Create);
                    SaveEntry(archive, EnglishEntry, _english);
                    SaveEntry(archive, KoreanEntry, _korean);
                    SaveKeyTerms(archive, EnglishKeyTermsEntry, _englishTerms);
                    SaveKeyTerms(archive, KoreanKeyTermsEntry, _koreanTerms);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static MlModel LoadEntry(ZipArchiveEntry entry)
    {
        // ML.NET reads a model as a zip itself, which needs a seekable stream.
        using var buffer = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        return MlModel.Load(buffer);
    }

    private static KeyTermIndex? LoadKeyTerms(ZipArchiveEntry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        using var stream = entry.Open();
        return KeyTermIndex.Load(stream);
    }

    private static void SaveKeyTerms(ZipArchive archive, string name, KeyTermIndex? index)
    {
        if (index is null)
        {
            return;
        }

        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var stream = entry.Open();
        index.Save(stream);
    }

    private static void SaveEntry(ZipArchive archive, string name, MlModel model)
    {
        // Already compressed: storing it again as is costs nothing and loads faster.
        var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = EntryTime;
        using var buffer = new MemoryStream();
        model.Save(buffer);
        buffer.Position = 0;
        using var stream = entry.Open();
        buffer.CopyTo(stream);
    }
}
