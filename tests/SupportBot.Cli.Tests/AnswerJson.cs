using System.Text.Json;

namespace SupportBot.Cli.Tests;

/// <summary>Reads and checks the answers contract that <c>supportbot ask</c> prints (see the architecture doc).</summary>
public static class AnswerJson
{
    /// <summary>Parses one line as a JSON object and checks every contract field and its type.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var answer = document.RootElement.Clone();

        Assert.Equal(JsonValueKind.Object, answer.ValueKind);
        Assert.Equal(JsonValueKind.String, answer.GetProperty("query").ValueKind);
        Assert.True(answer.GetProperty("answered").ValueKind is JsonValueKind.True or JsonValueKind.False, json);
        Assert.Equal(JsonValueKind.Array, answer.GetProperty("matches").ValueKind);
        foreach (var match in answer.GetProperty("matches").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, match.GetProperty("id").ValueKind);
            Assert.Equal(JsonValueKind.String, match.GetProperty("question").ValueKind);
            Assert.Equal(JsonValueKind.String, match.GetProperty("category").ValueKind);
            Assert.InRange(match.GetProperty("score").GetDouble(), 0.0, 1.0);
            Assert.False(string.IsNullOrWhiteSpace(match.GetProperty("answer").GetString()), json);
        }

        return answer;
    }

    public static IReadOnlyList<JsonElement> Matches(this JsonElement answer) =>
        answer.GetProperty("matches").EnumerateArray().ToList();

    public static string Text(this JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new InvalidOperationException($"'{property}' is null");
}
