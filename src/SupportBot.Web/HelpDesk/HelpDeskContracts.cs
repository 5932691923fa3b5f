namespace SupportBot.Web.HelpDesk;

/// <summary>
/// A help desk's question: <c>top</c> is how many ranked FAQ entries to return (1 to 10, 3 when
/// absent); <c>locale</c> (optional, e.g. <c>ko-KR</c>, <c>en</c>) the language of the person asking.
/// </summary>
public sealed record AnswersRequest(string? Question, int? Top, string? Locale = null);

/// <summary>One FAQ section with its entries, in the FAQ's order.</summary>
public sealed record FaqCategory(string Category, IReadOnlyList<FaqSummary> Entries);

/// <summary>An FAQ entry without its answer: its id, canonical question and related entry ids.</summary>
public sealed record FaqSummary(string Id, string Question, IReadOnlyList<string> Related);

/// <summary>An FAQ entry with its Markdown answer and, where the answer depends on it, a part per platform.</summary>
public sealed record FaqEntryDetails(
    string Id,
    string Category,
    string Question,
    string Answer,
    IReadOnlyList<string> Related,
    IReadOnlyDictionary<string, string> Platforms);
