using SupportBot.Core.Text;

namespace SupportBot.Core.Knowledge;

/// <summary>
/// A Kakao Developers area (Kakao Login, Kakao SDK, Kakao Talk Channel, Maps, Pay ...) with its
/// documentation, for the fallback on a question about it the FAQ does not answer.
/// </summary>
public sealed record ProductArea(
    string Id,
    string Name,
    string NameKo,
    IReadOnlyList<string> Docs,
    IReadOnlyList<string> DocsKo,
    IReadOnlyList<string> Terms)
{
    /// <summary>The area's name in a language (<see cref="Language.Korean"/> or English).</summary>
    public string NameIn(string language) => language == Language.Korean ? NameKo : Name;

    /// <summary>The area's documentation addresses in a language.</summary>
    public IReadOnlyList<string> DocsIn(string language) => language == Language.Korean ? DocsKo : Docs;
}

/// <summary>
/// Recognises which area a question is about from the areas' terms (training-data/areas.yaml):
/// the area whose matched terms are longest in total, none on a tie or when nothing matches.
/// </summary>
public sealed class ProductAreaMap(IReadOnlyList<ProductArea> areas)
{
    public static readonly ProductAreaMap Empty = new([]);

    public IReadOnlyList<ProductArea> Areas { get; } = areas;

    /// <summary>The area a question is clearly about; null when no term matches or two areas match equally.</summary>
    public ProductArea? Find(string? text)
    {
        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            return null;
        }

        var padded = $" {normalized} ";
        var scored = Areas
            .Select(area => (Area: area, Score: area.Terms.Where(term => Matches(padded, term)).Sum(term => term.Length)))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .Take(2)
            .ToList();
        return scored.Count switch
        {
            0 => null,
            1 => scored[0].Area,
            _ => scored[0].Score > scored[1].Score ? scored[0].Area : null,
        };
    }

    // Korean particles attach to the word before them, so a Hangul term matches inside a word.
    private static bool Matches(string padded, string term) =>
        Language.IsKorean(term)
            ? padded.Contains(term, StringComparison.Ordinal)
            : padded.Contains($" {term} ", StringComparison.Ordinal);
}
