using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>A started conversation as a client holds it.</summary>
public sealed record StartedConversation(string Id, string Token, string UserId, string StreamUrl);

/// <summary>The Direct Line 3.0 calls a client makes, over a real HttpClient, with the body of every answer parsed.</summary>
public sealed class DirectLineCalls(HttpClient http)
{
    public const string Base = "/v3/directline";

    public HttpClient Http => http;

    public async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, string? credential, string? json = null)
    {
        using var request = new HttpRequestMessage(method, Base + path);
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        return (response.StatusCode, body);
    }

    /// <summary>A token for a new conversation, from the secret (as a page's server would get one).</summary>
    public async Task<JsonObject> GenerateTokenAsync(string? userId = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/tokens/generate", SupportBotFactory.DirectLineSecret, userId is null ? null : new JsonObject { ["user"] = new JsonObject { ["id"] = userId } }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    /// <summary>Generates a token and starts its conversation; the welcome is in the history when this returns.</summary>
    public async Task<StartedConversation> StartAsync()
    {
        var generated = await GenerateTokenAsync();
        var (status, started) = await SendAsync(HttpMethod.Post, "/conversations", (string)generated["token"]!, """{"user":{}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var userId = TokenUser((string)started["token"]!);
        return new StartedConversation((string)started["conversationId"]!, (string)started["token"]!, userId, (string)started["streamUrl"]!);
    }

    /// <summary>Posts a message as Web Chat does (a client activity id in channelData) and returns the server's id.</summary>
    public async Task<string> SayAsync(StartedConversation conversation, string text, string? clientActivityId = null)
    {
        var (status, body) = await PostAsync(conversation, text, clientActivityId);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body.ToJsonString()}");
        return (string)body["id"]!;
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(StartedConversation conversation, string text, string? clientActivityId = null) =>
        SendAsync(HttpMethod.Post, $"/conversations/{conversation.Id}/activities", conversation.Token, new JsonObject
        {
            ["type"] = "message",
            ["text"] = text,
            ["locale"] = "en-US",
            ["from"] = new JsonObject { ["id"] = "someone-else", ["name"] = "Visitor" },
            ["channelData"] = new JsonObject { ["clientActivityID"] = clientActivityId ?? Guid.NewGuid().ToString("N") },
        }.ToJsonString());

    /// <summary>Polls once: the activities after the watermark and the new watermark.</summary>
    public async Task<(List<JsonObject> Activities, string Watermark)> GetActivitiesAsync(StartedConversation conversation, string? watermark = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}/activities?watermark={watermark}", conversation.Token);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body.ToJsonString()}");
        return (body["activities"]!.AsArray().Select(a => a!.AsObject()).ToList(), (string)body["watermark"]!);
    }

    /// <summary>The <c>user</c> claim of a token (it is a JWT, readable by clients).</summary>
    public static string TokenUser(string token)
    {
        var payload = token.Split('.')[1];
        var json = Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(payload));
        return (string)JsonNode.Parse(json)!["user"]!;
    }
}

/// <summary>Reading activities as the tests need them.</summary>
public static class ActivityNodes
{
    public static string? Text(this JsonObject activity) => (string?)activity["text"];

    public static string? Type(this JsonObject activity) => (string?)activity["type"];

    public static string? FromRole(this JsonObject activity) => (string?)activity["from"]?["role"];

    public static bool IsBotMessage(this JsonObject activity) => activity.Type() == "message" && activity.FromRole() == "bot";

    public static List<string> SuggestedActions(this JsonObject activity) =>
        activity["suggestedActions"]?["actions"]?.AsArray().Select(a => (string)a!["title"]!).ToList() ?? [];
}
