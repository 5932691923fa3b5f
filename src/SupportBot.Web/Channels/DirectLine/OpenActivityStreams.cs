using System.Diagnostics.Metrics;
using SupportBot.Bot.Telemetry;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// The Direct Line WebSockets open now, in the metrics as <c>supportbot.directline.streams</c>,
/// and per conversation, so that one conversation cannot hold more than
/// <c>DirectLine:MaxStreamsPerConversation</c> of them (in this process: the limit is per replica).
/// </summary>
public sealed class OpenActivityStreams(BotTelemetry telemetry)
{
    private readonly UpDownCounter<long> _open = telemetry.Meter.CreateUpDownCounter<long>(
        "supportbot.directline.streams", "{stream}", "Direct Line WebSockets (streamUrl) open now.");

    private readonly Dictionary<string, int> _perConversation = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Counts a stream of the conversation as open until the returned handle is disposed; null when it already has <paramref name="limit"/> open.</summary>
    public IDisposable? TryOpen(string conversationId, int limit)
    {
        lock (_lock)
        {
            var open = _perConversation.GetValueOrDefault(conversationId);
            if (open >= limit)
            {
                return null;
            }

            _perConversation[conversationId] = open + 1;
        }

        _open.Add(1);
        return new Stream(this, conversationId);
    }

    private void Closed(string conversationId)
    {
        lock (_lock)
        {
            var open = _perConversation.GetValueOrDefault(conversationId) - 1;
            if (open <= 0)
            {
                _perConversation.Remove(conversationId);
            }
            else
            {
                _perConversation[conversationId] = open;
            }
        }

        _open.Add(-1);
    }

    private sealed class Stream(OpenActivityStreams streams, string conversationId) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                streams.Closed(conversationId);
            }
        }
    }
}
