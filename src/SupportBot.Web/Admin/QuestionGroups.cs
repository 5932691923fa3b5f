using SupportBot.Core.Text;
using SupportBot.Bot.Insights;

namespace SupportBot.Web.Admin;

/// <summary>Questions worded alike, and the FAQ entry the classifier most often thought closest for them.</summary>
public sealed record QuestionGroup(IReadOnlyList<AskedQuestion> Questions, string? ClosestEntryId);

/// <summary>
/// Groups questions by wording so an admin reviews "login fails with KOE006" once, not twenty
/// times: cosine similarity of the normalised texts' character trigram counts, and greedy
/// clustering (each question joins the first group whose first question is similar enough, else
/// starts one). Character trigrams tolerate typos and word order; the same input always gives
/// the same groups.
/// </summary>
public static class QuestionGroups
{
    /// <summary>Similarity at which two questions are the same question: "keyhash error android" and "android key hash error" are, "logout fails" and "login fails" are not.</summary>
    public const double DefaultThreshold = 0.5;

    public static IReadOnlyList<QuestionGroup> Group(IReadOnlyList<AskedQuestion> questions, double threshold = DefaultThreshold)
    {
        var groups = new List<(Dictionary<string, int> Seed, List<AskedQuestion> Members)>();
        foreach (var question in questions)
        {
            var trigrams = Trigrams(question.Text);
            var group = groups.FirstOrDefault(g => Cosine(g.Seed, trigrams) >= threshold);
            if (group.Members is null)
            {
                groups.Add((trigrams, [question]));
            }
            else
            {
                group.Members.Add(question);
            }
        }

        return groups
            .Select(g => new QuestionGroup(g.Members, Closest(g.Members)))
            .OrderByDescending(g => g.Questions.Count)
            .ToList();
    }

    /// <summary>The cosine similarity of two texts' trigram counts, from 0 (nothing shared) to 1 (the same normalised text).</summary>
    public static double Similarity(string a, string b) => Cosine(Trigrams(a), Trigrams(b));

    private static Dictionary<string, int> Trigrams(string text)
    {
        // Padded so that short words and the start and end of the text count too.
        var padded = $" {TextNormalizer.Normalize(text)} ";
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + 3 <= padded.Length; i++)
        {
            var trigram = padded.Substring(i, 3);
            counts[trigram] = counts.GetValueOrDefault(trigram) + 1;
        }

        return counts;
    }

    private static double Cosine(Dictionary<string, int> a, Dictionary<string, int> b)
    {
        double dot = 0;
        foreach (var (trigram, count) in a)
        {
            dot += count * (double)b.GetValueOrDefault(trigram);
        }

        var norms = Math.Sqrt(a.Values.Sum(c => (double)c * c)) * Math.Sqrt(b.Values.Sum(c => (double)c * c));
        return norms == 0 ? 0 : dot / norms;
    }

    // Ties go to the entry named first in ordinal order, so the answer does not depend on row order.
    private static string? Closest(IEnumerable<AskedQuestion> members) => members
        .Where(q => q.ClosestEntryId is not null)
        .GroupBy(q => q.ClosestEntryId!)
        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => g.Key)
        .FirstOrDefault();
}
