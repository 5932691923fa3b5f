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

    // Words and word pairs people use for each platform, matched against the normalised text.
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["javascript"] = "javascript",
        ["js"] = "javascript",
        ["web"] = "javascript",
        ["browser"] = "javascript",
        ["android"] = "android",
        ["kotlin"] = "android",
        ["aos"] = "android",
        ["apk"] = "android",
        ["ios"] = "ios",
        ["iphone"] = "ios",
        ["ipad"] = "ios",
        ["swift"] = "ios",
        ["objc"] = "ios",
        ["xcode"] = "ios",
        ["objective c"] = "ios",
        ["rest"] = "rest-api",
        ["restapi"] = "rest-api",
        ["server"] = "rest-api",
        ["backend"] = "rest-api",
        ["curl"] = "rest-api",
        ["http api"] = "rest-api",
        ["웹"] = "javascript",
        ["서버"] = "rest-api",
    };

    // Korean attaches particles to the word ("안드로이드에서", "아이폰이요"), so these match as a word's start.
    private static readonly (string Stem, string Platform)[] KoreanStems =
    [
        ("자바스크립트", "javascript"),
        ("안드로이드", "android"),
        ("아이폰", "ios"),
        ("아이패드", "ios"),
        ("아이오에스", "ios"),
    ];

    /// <summary>The one platform the text names, or null when it names none or several.</summary>
    public static string? Recognize(string? text)
    {
        var words = TextNormalizer.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? found = null;
        for (var i = 0; i < words.Length; i++)
        {
            var platform = Synonyms.GetValueOrDefault(words[i])
                ?? (i + 1 < words.Length ? Synonyms.GetValueOrDefault($"{words[i]} {words[i + 1]}") : null)
                ?? KoreanStems.FirstOrDefault(k => words[i].StartsWith(k.Stem, StringComparison.Ordinal)).Platform;
            if (platform is null || platform == found)
            {
                continue;
            }

            if (found is not null)
            {
                return null;
            }

            found = platform;
        }

        return found;
    }

    public static string Title(string key) => All.First(p => p.Key == key).Title;
}
