using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Storage;

/// <summary>A database transcript store that takes activities already serialised (by <see cref="TranscriptJson"/>) and writes them in batches off the turn's path.</summary>
public interface IBatchedTranscriptStore : ITranscriptStore
{
    /// <summary>Queues an activity serialised by <see cref="TranscriptJson.Serialize"/>; completes once queued, not committed.</summary>
    ValueTask AppendSerializedAsync(TranscriptAppend append);
}
