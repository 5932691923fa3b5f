using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SupportBot.Web.Channels.Kakao;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>The skill as Open Builder calls it in the tests: the bot id and secret the hosts are configured with, the fixtures, and requests built like them.</summary>
public static class KakaoSkill
{
    /// <summary>The Open Builder bot id of the fixtures, and of <c>Kakao:BotIds</c> in the test hosts.</summary>
    public const string BotId = "65a1e9b7c4f0a1b2c3d4e5f6";

    public const string Secret = "kakao-skill-secret-7f3a9c1e5b2d8046af1c3e5b7d9f0a2c";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Kakao", "Fixtures", name);

    public static IEnumerable<string> FixtureNames() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Kakao", "Fixtures"), "*.json").Select(Path.GetFileName).Order()!;

    public static JsonObject Fixture(string name) => JsonNode.Parse(File.ReadAllText(FixturePath(name)))!.AsObject();

    /// <summary>A skill request of the fixtures' shape from a user of its own.</summary>
    public static JsonObject Request(string utterance, string userKey, string? lang = "ko", string botId = BotId)
    {
        var request = Fixture("text-input.json");
        request["userRequest"]!["utterance"] = utterance;
        request["userRequest"]!["user"]!["id"] = userKey;
        request["userRequest"]!["user"]!["properties"]!["botUserKey"] = userKey;
        request["userRequest"]!["lang"] = lang;
        request["bot"]!["id"] = botId;
        return request;
    }

    public static string NewUserKey() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    public static Dictionary<string, string?> Settings(string? secret = Secret) => new()
    {
        ["Kakao:BotIds:0"] = BotId,
        ["Kakao:SkillSecret"] = secret,
    };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, JsonNode request, string? secret = Secret) =>
        PostRawAsync(client, Encoding.UTF8.GetBytes(request.ToJsonString()), secret);

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, byte[] body, string? secret = Secret, string contentType = "application/json")
    {
        var message = new HttpRequestMessage(HttpMethod.Post, KakaoSkillEndpoint.Route) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (secret is not null)
        {
            message.Headers.Add(KakaoOptions.SecretHeader, secret);
        }

        return client.SendAsync(message);
    }

    /// <summary>Posts and reads a 200 skill response, checked against Kakao's limits.</summary>
    public static async Task<JsonObject> AskAsync(HttpClient client, JsonNode request, string? secret = Secret)
    {
        using var response = await PostAsync(client, request, secret);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!.AsObject();
        KakaoLimits.AssertWithin(json);
        return json;
    }

    /// <summary>The texts a response shows: simpleTexts and card descriptions, in order.</summary>
    public static List<string> Texts(JsonObject response) =>
        [.. Outputs(response).Select(o => (string?)o["simpleText"]?["text"] ?? (string?)o["textCard"]?["description"]).OfType<string>()];

    public static List<JsonObject> Outputs(JsonObject response) => [.. response["template"]!["outputs"]!.AsArray().Select(o => o!.AsObject())];

    public static List<(string Label, string MessageText)> QuickReplies(JsonObject response) =>
        [.. (response["template"]!["quickReplies"]?.AsArray() ?? []).Select(q => ((string)q!["label"]!, (string)q["messageText"]!))];

    /// <summary>What the list cards offer to send, in order.</summary>
    public static List<string> ListItems(JsonObject response) =>
        [.. Outputs(response)
            .SelectMany(o => o["listCard"] is { } card ? [card] : o["carousel"]?["items"]?.AsArray().Select(c => c!) ?? [])
            .SelectMany(card => card["items"]!.AsArray().Select(i => (string)i!["messageText"]!))];

    public static List<JsonObject> Buttons(JsonObject response) =>
        [.. Outputs(response).SelectMany(o => o["textCard"]?["buttons"]?.AsArray().Select(b => b!.AsObject()) ?? [])];
}
