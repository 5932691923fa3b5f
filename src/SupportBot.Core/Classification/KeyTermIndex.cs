using System.Text.Json;
using System.Text.Json.Serialization;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Classification;

/// <summary>
/// The second-stage check that an FAQ entry shares the question's key terms (issue 19): for one
/// language, which entries' training utterances use each term, and two floors calibrated on those
/// utterances when the model is trained. A near-domain question ("how long is an access token
/// valid") shares its common words with some entry but its telling ones with none.
/// </summary>
/// <remarks>
/// Coverage is the share of the question's known terms, each weighted by how few entries use it,
/// that the entry's utterances also use. Terms are words of 3+ letters (a plural "s" dropped) and,
/// for Korean words, their syllable pairs, so particles do not hide the stem. Terms no training
/// utterance has are ignored: typos and pasted context say nothing either way, and so are small
/// talk and a short list of words about asking rather than topics ("problem", "please", 습니다).
/// </remarks>
public sealed class KeyTermIndex
{
    /// <summary>An answer is overruled below the coverage that 99% of the entries' own utterances reach (left out).</summary>
    public const double AnswerQuantile = 0.01;

    /// <summary>A "did you mean" candidate needs the coverage that 95% of the entries' own utterances reach (left out).</summary>
    public const double CandidateQuantile = 0.05;

    // Words that say how a question is asked, not what it is about: they are never key terms.
    private static readonly HashSet<string> Generic = new(StringComparer.Ordinal)
    {
        "problem", "issue", "question", "help", "please", "anyone", "someone", "something", "anything", "thing",
        "need", "want", "know", "tell", "hello", "thank", "thanks", "the", "and", "for", "you", "your", "with",
        "문제", "질문", "도와", "궁금", "알려", "부탁", "안녕", "감사", "습니", "니다", "합니", "입니", "하세", "세요", "주세",
        "해요", "어요", "나요", "까요", "은데", "는데", "있나", "되나", "해주",
    };

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly SortedDictionary<string, string[]> _entriesByTerm;
    private readonly int _entries;

    private KeyTermIndex(SortedDictionary<string, string[]> entriesByTerm, int entries, float answerFloor, float candidateFloor)
    {
        _entriesByTerm = entriesByTerm;
        _entries = entries;
        AnswerFloor = answerFloor;
        CandidateFloor = candidateFloor;
    }

    /// <summary>Below this coverage the winning entry is not answered: the bot falls back.</summary>
    public float AnswerFloor { get; }

    /// <summary>Below this coverage an entry is not offered in "did you mean".</summary>
    public float CandidateFloor { get; }

    /// <summary>Builds the index of one language's training utterances and calibrates its floors on them.</summary>
    public static KeyTermIndex Build(IEnumerable<LabeledUtterance> training)
    {
        // Small talk says nothing about topics: "thanks" in a question is no evidence against an entry.
        var rows = training
            .Where(u => !Intents.SmallTalk.Contains(u.Intent))
            .Select(u => (Terms: Terms(TextNormalizer.Normalize(u.Text)), u.Intent))
            .ToList();
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (terms, intent) in rows)
        {
            foreach (var term in terms)
            {
                var byIntent = counts.TryGetValue(term, out var found) ? found : counts[term] = new Dictionary<string, int>(StringComparer.Ordinal);
                byIntent[intent] = byIntent.GetValueOrDefault(intent) + 1;
            }
        }

        var entries = rows.Select(r => r.Intent).Where(IsEntry).Distinct().Count();

        // Each entry utterance scored against its entry without itself, as a new paraphrase would be.
        var leftOut = rows.Where(r => IsEntry(r.Intent)).Select(r =>
        {
            double total = 0, shared = 0;
            foreach (var term in r.Terms)
            {
                var byIntent = counts[term];
                if (byIntent.Values.Sum() == 1)
                {
                    continue;
                }

                var own = byIntent.GetValueOrDefault(r.Intent) - 1;
                var weight = Weight(entries, byIntent.Keys.Count(IsEntry) - (own == 0 ? 1 : 0));
                total += weight;
                shared += own > 0 ? weight : 0;
            }

            return total == 0 ? 1 : shared / total;
        }).Order().ToList();

        var index = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (term, byIntent) in counts)
        {
            index[term] = [.. byIntent.Keys.Where(IsEntry).Order(StringComparer.Ordinal)];
        }

        return new KeyTermIndex(index, entries, Quantile(leftOut, AnswerQuantile), Quantile(leftOut, CandidateQuantile));
    }

    /// <summary>How much of the question's known key terms the entry's training utterances share: 0 to 1, 1 when nothing is known.</summary>
    public float Coverage(string normalizedText, string intent)
    {
        double total = 0, shared = 0;
        foreach (var term in Terms(normalizedText))
        {
            if (!_entriesByTerm.TryGetValue(term, out var entries))
            {
                continue;
            }

            var weight = Weight(_entries, entries.Length);
            total += weight;
            shared += Array.IndexOf(entries, intent) >= 0 ? weight : 0;
        }

        return total == 0 ? 1f : (float)(shared / total);
    }

    public void Save(Stream stream) =>
        JsonSerializer.Serialize(stream, new KeyTermFile(_entries, AnswerFloor, CandidateFloor, _entriesByTerm), Json);

    public static KeyTermIndex Load(Stream stream)
    {
        var file = JsonSerializer.Deserialize<KeyTermFile>(stream, Json)
            ?? throw new InvalidDataException("The key-term index is empty.");
        return new KeyTermIndex(new SortedDictionary<string, string[]>(file.Terms, StringComparer.Ordinal), file.Entries, file.AnswerFloor, file.CandidateFloor);
    }

    /// <summary>The distinct key terms of normalised text.</summary>
    public static IReadOnlySet<string> Terms(string normalizedText)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in normalizedText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Language.IsKorean(word))
            {
                for (var i = 0; i + 1 < word.Length; i++)
                {
                    var pair = word.Substring(i, 2);
                    if (!Generic.Contains(pair))
                    {
                        terms.Add(pair);
                    }
                }
            }
            else if (word.Length >= 3)
            {
                var stem = word.Length > 4 && word[^1] == 's' ? word[..^1] : word;
                if (!Generic.Contains(stem))
                {
                    terms.Add(stem);
                }
            }
        }

        return terms;
    }

    // Rare across entries weighs more; a term no entry uses (only out-of-scope or small talk) the most.
    private static double Weight(int entries, int entriesWithTerm) => Math.Log((entries + 1) / (entriesWithTerm + 0.5));

    private static bool IsEntry(string intent) => intent != Intents.OutOfScope && !Intents.SmallTalk.Contains(intent);

    private static float Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0f : (float)Math.Round(sorted[(int)Math.Floor(q * (sorted.Count - 1))], 3);

    private sealed record KeyTermFile(
        [property: JsonPropertyName("entries")] int Entries,
        [property: JsonPropertyName("answerFloor")] float AnswerFloor,
        [property: JsonPropertyName("candidateFloor")] float CandidateFloor,
        [property: JsonPropertyName("terms")] IDictionary<string, string[]> Terms);
}
