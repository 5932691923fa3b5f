using SupportBot.Core.Text;

namespace SupportBot.Core.Knowledge;

/// <summary>The validated FAQ entries and small-talk intents, looked up by id and browsed by category.</summary>
public sealed class KnowledgeBase
{
    private readonly Dictionary<string, FaqEntry> _entries;
    private readonly Dictionary<string, SmallTalkIntent> _smallTalk;
    private readonly Dictionary<string, FaqEntry> _byQuestion;

    public KnowledgeBase(IEnumerable<FaqEntry> entries, IEnumerable<SmallTalkIntent> smallTalk, ProductAreaMap? areas = null)
    {
        Areas = areas ?? ProductAreaMap.Empty;
        Entries = entries.ToList();
        _entries = Entries.ToDictionary(e => e.Id, StringComparer.Ordinal);
        _smallTalk = smallTalk.ToDictionary(s => s.Id, StringComparer.Ordinal);
        Categories = Entries.Select(e => e.Category).Distinct().ToList();
        _byQuestion = Entries.GroupBy(e => TextNormalizer.Normalize(e.Question))
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>Every FAQ entry, in the FAQ's order.</summary>
    public IReadOnlyList<FaqEntry> Entries { get; }

    /// <summary>The FAQ's sections, in the FAQ's order.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The Kakao Developers areas of <c>areas.yaml</c>, for the fallback on questions the FAQ does not answer.</summary>
    public ProductAreaMap Areas { get; }

    public IReadOnlyCollection<SmallTalkIntent> SmallTalk => _smallTalk.Values;

    public FaqEntry? Find(string id) => _entries.GetValueOrDefault(id);

    /// <summary>The entry whose canonical question the text is, word for word once normalized (a button sends it); null when none.</summary>
    public FaqEntry? FindByQuestion(string? text) => _byQuestion.GetValueOrDefault(TextNormalizer.Normalize(text));

    public SmallTalkIntent? FindSmallTalk(string id) => _smallTalk.GetValueOrDefault(id);

    public bool IsFaqEntry(string intent) => _entries.ContainsKey(intent);

    /// <summary>Whether a name is an intent the classifier may predict: an entry, a small-talk intent or out-of-scope.</summary>
    public bool IsKnownIntent(string intent) =>
        _entries.ContainsKey(intent) || _smallTalk.ContainsKey(intent) || intent == Intents.OutOfScope;

    public IReadOnlyList<FaqEntry> InCategory(string category) =>
        Entries.Where(e => string.Equals(e.Category, category, StringComparison.OrdinalIgnoreCase)).ToList();
}
