using System.Diagnostics.Metrics;
using SupportBot.Bot.Telemetry;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// The Direct Line WebSockets open now, in the metrics as <c>supportbot.directline.streams</c>,
/// and per conversation, so that one conversation cannot hold more than
/// <c>DirectLine:MaxStreamsPerConversation</c> of them (in this process: the limit is per replica).
/// Each open stream is also handed the activities this process appends to its conversation, so it
/// sends them without reading them back from the store.
/// </summary>
public sealed class OpenActivityStreams(BotTelemetry telemetry)
{
    private readonly UpDownCounter<long> _open = telemetry.Meter.CreateUpDownCounter<long>(
        "supportbot.directline.streams", "{stream}", "Direct Line WebSockets (streamUrl) open now.");

    private readonly Dictionary<string, List<OpenStream>> _perConversation = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Counts a stream of the conversation as open until the returned handle is disposed; null when it already has <paramref name="limit"/> open.</summary>
    public OpenStream? TryOpen(string conversationId, int limit)
    {
        var stream = new OpenStream(this, conversationId);
        lock (_lock)
        {
            if (!_perConversation.TryGetValue(conversationId, out var open))
            {
                _perConversation[conversationId] = open = [];
            }

            if (open.Count >= limit)
            {
                return null;
            }

            open.Add(stream);
        }

        _open.Add(1);
        return stream;
    }

    /// <summary>Hands an activity just committed to the conversation's open streams.</summary>
    public void Appended(string conversationId, StoredActivity activity)
    {
        OpenStream[] streams;
        lock (_lock)
        {
            if (!_perConversation.TryGetValue(conversationId, out var open))
            {
                return;
            }

            streams = [.. open];
        }

        foreach (var stream in streams)
        {
            stream.Offer(activity);
        }
    }

    private void Closed(OpenStream stream)
    {
        lock (_lock)
        {
            if (_perConversation.TryGetValue(stream.ConversationId, out var open) && open.Remove(stream) && open.Count == 0)
            {
                _perConversation.Remove(stream.ConversationId);
            }
        }

        _open.Add(-1);
    }

    /// <summary>One open stream: the activities appended for it here and not sent yet.</summary>
    public sealed class OpenStream : IDisposable
    {
        // A stream this far behind reads from the store instead; the activities are kept there.
        private const int Capacity = 32;

        private readonly OpenActivityStreams _streams;
        private readonly List<StoredActivity> _appended = [];
        private int _closed;

        internal OpenStream(OpenActivityStreams streams, string conversationId)
        {
            _streams = streams;
            ConversationId = conversationId;
        }

        public string ConversationId { get; }

        /// <summary>The activity right after <paramref name="watermark"/>, if it was appended here; those at or before it are forgotten.</summary>
        public bool TryTakeNext(long watermark, out StoredActivity next)
        {
            lock (_appended)
            {
                _appended.RemoveAll(a => a.Watermark <= watermark);
                var index = _appended.FindIndex(a => a.Watermark == watermark + 1);
                if (index < 0)
                {
                    next = default!;
                    return false;
                }

                next = _appended[index];
                _appended.RemoveAt(index);
                return true;
            }
        }

        internal void Offer(StoredActivity activity)
        {
            lock (_appended)
            {
                if (_appended.Count >= Capacity)
                {
                    _appended.Clear();
                }

                _appended.Add(activity);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                _streams.Closed(this);
            }
        }
    }
}
