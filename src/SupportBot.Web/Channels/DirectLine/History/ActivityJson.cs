using System.Globalization;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;

namespace SupportBot.Web.Channels.DirectLine.History;

/// <summary>Activities as Bot Framework JSON (Newtonsoft, nulls left out), the way Web Chat sends and expects them.</summary>
public static class ActivityJson
{
    // Strings that look like dates inside channelData or attachments are kept as they were sent.
    public static readonly JsonSerializerSettings Settings = new()
    {
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.None,
        MaxDepth = 64,
    };

    public static string Serialize(Activity activity) => JsonConvert.SerializeObject(activity, Settings);

    /// <summary>The activity, or null when the text is not a JSON object of activity fields.</summary>
    public static Activity? Deserialize(string json)
    {
        try
        {
            return JsonConvert.DeserializeObject<Activity>(json, Settings);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Azure's id format: the conversation and the activity's position in it.</summary>
    public static string ActivityId(string conversationId, long watermark) =>
        string.Create(CultureInfo.InvariantCulture, $"{conversationId}|{watermark:0000000}");
}
