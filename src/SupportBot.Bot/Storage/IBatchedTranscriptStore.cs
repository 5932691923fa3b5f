using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Storage;

/// <summary>A database transcript store that takes activities already serialised (by <see cref="TranscriptJson"/>) and writes them in batches off the turn's path.</summary>
public interface IBatchedTranscriptStore : ITranscriptStore
{
    /// <summary>Queues an activity serialised by <see cref="TranscriptJson.Serialize"/>; completes once queued, not committed.</summary>
    ValueTask AppendSerializedAsync(TranscriptAppend append);
}

/// <summary>An activity queued for a transcript, already serialised.</summary>
public sealed record TranscriptAppend(string ChannelId, string ConversationId, string? ActivityId, DateTimeOffset Timestamp, string Json);
