using Microsoft.Bot.Schema;
using Newtonsoft.Json;

namespace SupportBot.Bot.Storage;

/// <summary>How every transcript store writes activities, and what it keeps of an edited or deleted one (MemoryTranscriptStore's rules).</summary>
public static class TranscriptJson
{
    // As the Bot Framework writes activities (nulls left out, no depth limit: cards nest deeply);
    // strings that look like dates inside channelData or attachments are kept as they were sent.
    private static readonly JsonSerializerSettings Settings = new()
    {
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.None,
        MaxDepth = null,
    };

    public static string Serialize(IActivity activity) => JsonConvert.SerializeObject(activity, Settings);

    public static Activity Deserialize(string json) =>
        JsonConvert.DeserializeObject<Activity>(json, Settings)
        ?? throw new InvalidDataException("A transcript row holds no activity.");

    /// <summary>The update as logged in place of <paramref name="original"/>: its content, the original's type and times.</summary>
    public static Activity Updated(Activity original, IActivity update)
    {
        // A copy, so that the caller's activity is left as it was.
        var updated = Deserialize(Serialize(update));
        updated.Type = original.Type;
        updated.Timestamp = original.Timestamp;
        updated.LocalTimestamp = original.LocalTimestamp;
        return updated;
    }

    /// <summary>What is kept of a deleted message: where and when it was, who in which role, no content.</summary>
    public static Activity Tombstone(Activity original) => new()
    {
        Type = ActivityTypes.MessageDelete,
        Id = original.Id,
        From = new ChannelAccount(id: "deleted", role: original.From?.Role),
        Recipient = new ChannelAccount(id: "deleted", role: original.Recipient?.Role),
        Locale = original.Locale,
        LocalTimestamp = original.Timestamp,
        Timestamp = original.Timestamp,
        ChannelId = original.ChannelId,
        Conversation = original.Conversation,
        ServiceUrl = original.ServiceUrl,
        ReplyToId = original.ReplyToId,
    };

    /// <summary>The channel and conversation an activity is logged under; an activity without them belongs to no transcript.</summary>
    public static (string ChannelId, string ConversationId) Place(IActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var channelId = activity.ChannelId
            ?? throw new ArgumentException("The activity has no channelId, so it belongs to no transcript.", nameof(activity));
        var conversationId = activity.Conversation?.Id
            ?? throw new ArgumentException("The activity has no conversation id, so it belongs to no transcript.", nameof(activity));
        return (channelId, conversationId);
    }
}
