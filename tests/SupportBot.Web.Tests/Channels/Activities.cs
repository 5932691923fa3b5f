using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.Channels;

/// <summary>Activities as the Bot Framework Emulator posts them to /api/messages.</summary>
public static class Activities
{
    public const string UserId = "user-1";

    public const string BotId = "bot-1";

    public static JsonObject ConversationUpdate(string serviceUrl, string conversationId) =>
        Base("conversationUpdate", serviceUrl, conversationId, new JsonObject
        {
            ["membersAdded"] = new JsonArray(new JsonObject { ["id"] = UserId, ["name"] = "User" }),
        });

    public static JsonObject Message(string serviceUrl, string conversationId, string? text, bool expectReplies = false)
    {
        var activity = Base("message", serviceUrl, conversationId, new JsonObject { ["text"] = text, ["locale"] = "en-US" });
        if (expectReplies)
        {
            activity["deliveryMode"] = "expectReplies";
        }

        return activity;
    }

    public static JsonObject OfType(string type, string serviceUrl, string conversationId) =>
        Base(type, serviceUrl, conversationId, []);

    public static Task<HttpResponseMessage> PostActivityAsync(this HttpClient client, JsonObject activity) =>
        client.PostAsJsonAsync("/api/messages", activity);

    private static JsonObject Base(string type, string serviceUrl, string conversationId, JsonObject extra)
    {
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = Guid.NewGuid().ToString("N"),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["serviceUrl"] = serviceUrl,
            ["channelId"] = "emulator",
            ["from"] = new JsonObject { ["id"] = UserId, ["name"] = "User", ["role"] = "user" },
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "SupportBot", ["role"] = "bot" },
        };
        foreach (var (key, value) in extra.ToList())
        {
            extra.Remove(key);
            activity[key] = value;
        }

        return activity;
    }
}
