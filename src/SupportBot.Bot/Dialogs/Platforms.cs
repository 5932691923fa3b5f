using SupportBot.Core.Text;

namespace SupportBot.Bot.Dialogs;

/// <summary>The platforms an answer can depend on, and recognising one in what the user wrote.</summary>
public static class Platforms
{
    public static readonly IReadOnlyList<(string Key, string Title)> All =
    [
        ("javascript", "JavaScript"),
        ("android", "Android"),
        ("ios", "iOS"),
        ("rest-api", "REST API"),
    ];

    // Words people use for each platform, matched as whole normalised words or word pairs.
    private static readonly (string Key, string[] Words)[] Synonyms =
    [
        ("javascript", ["javascript", "js", "web", "browser", "kakao js", "javascript sdk", "js sdk", "web sdk"]),
        ("android", ["android", "kotlin", "aos", "android sdk", "apk"]),
        ("ios", ["ios", "iphone", "ipad", "swift", "objective c", "objc", "ios sdk", "xcode"]),
        ("rest-api", ["rest", "rest api", "restapi", "server", "backend", "http api", "curl"]),
    ];

    /// <summary>The one platform the text names, or null when it names none or several.</summary>
    public static string? Recognize(string? text)
    {
        var words = TextNormalizer.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var pairs = words.Zip(words.Skip(1), (a, b) => $"{a} {b}");
        var tokens = words.Concat(pairs).ToHashSet(StringComparer.Ordinal);
        var found = Synonyms.Where(s => s.Words.Any(tokens.Contains)).Select(s => s.Key).Distinct().ToList();
        return found.Count == 1 ? found[0] : null;
    }

    public static string Title(string key) => All.First(p => p.Key == key).Title;
}
