namespace SupportBot.Core.Knowledge;

/// <summary>One FAQ entry: the canonical question, its Markdown answer and the entries related to it.</summary>
public sealed record FaqEntry(
    string Id,
    string Category,
    string Question,
    string Answer,
    IReadOnlyList<string> Related,
    IReadOnlyDictionary<string, string> Platforms)
{
    /// <summary>Whether the answer has a part of its own for each platform (the bot then asks which one).</summary>
    public bool DependsOnPlatform => Platforms.Count > 0;
}
