using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>Kakao's skill response limits (answer JSON format guide), checked on a response as Open Builder would get it.</summary>
public static class KakaoLimits
{
    // The numbers are the guide's, written here again on purpose: the channel's own constants are what is checked.
    private static readonly string[] ButtonActions = ["webLink", "message", "phone", "block", "share", "operator"];

    public static void AssertWithin(JsonObject response)
    {
        var what = response.ToJsonString();
        Assert.Equal("2.0", (string?)response["version"]);
        var outputs = response["template"]!["outputs"]!.AsArray();
        Assert.InRange(outputs.Count, 1, 3);
        foreach (var output in outputs.Select(o => o!.AsObject()))
        {
            Assert.True(output.Count == 1, $"one component per output: {what}");
            if (output["simpleText"]?["text"] is { } text)
            {
                AssertPlain((string)text!, 1000);
            }
            else if (output["textCard"] is { } card)
            {
                AssertPlain((string)card["description"]!, 400 - ((string?)card["title"] ?? string.Empty).Length);
                AssertButtons(card["buttons"]!.AsArray(), what);
            }
            else if (output["listCard"] is { } list)
            {
                AssertList(list, 5, what);
            }
            else
            {
                var carousel = output["carousel"]!;
                Assert.Equal("listCard", (string?)carousel["type"]);
                var items = carousel["items"]!.AsArray();
                Assert.InRange(items.Count, 1, 10);
                Assert.All(items, card => AssertList(card!, 4, what));
            }
        }

        var quickReplies = response["template"]!["quickReplies"]?.AsArray() ?? [];
        Assert.InRange(quickReplies.Count, 0, 10);
        foreach (var reply in quickReplies)
        {
            Assert.InRange(((string)reply!["label"]!).Length, 1, 14);
            Assert.Equal("message", (string?)reply["action"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)reply["messageText"]), what);
        }
    }

    private static void AssertList(JsonNode list, int maxItems, string what)
    {
        Assert.False(string.IsNullOrWhiteSpace((string?)list["header"]?["title"]), what);
        var items = list["items"]!.AsArray();
        Assert.InRange(items.Count, 1, maxItems);
        Assert.All(items, item =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)item!["title"]), what);
            Assert.Equal("message", (string?)item["action"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)item["messageText"]), what);
        });
    }

    private static void AssertButtons(JsonArray buttons, string what)
    {
        Assert.InRange(buttons.Count, 1, 3);
        Assert.All(buttons, button =>
        {
            Assert.InRange(((string)button!["label"]!).Length, 1, 14);
            Assert.Contains((string?)button["action"], ButtonActions);
        });
    }

    /// <summary>Within the length and with no Markdown left: no emphasis, no code marks, no table rows, no headings.</summary>
    public static void AssertPlain(string text, int max)
    {
        Assert.InRange(text.Length, 1, max);
        Assert.DoesNotContain("**", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.DoesNotContain("`", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<br>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("| --- |", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s*\|.*\|\s*$", text);
        Assert.DoesNotMatch(@"(?m)^#{1,6} ", text);
        Assert.DoesNotMatch(@"\]\(https?://", text);
    }
}
