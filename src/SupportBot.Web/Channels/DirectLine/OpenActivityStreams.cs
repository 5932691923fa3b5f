using System.Diagnostics.Metrics;
using SupportBot.Bot.Telemetry;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>The Direct Line WebSockets open now, in the metrics as <c>supportbot.directline.streams</c>.</summary>
public sealed class OpenActivityStreams(BotTelemetry telemetry)
{
    private readonly UpDownCounter<long> _open = telemetry.Meter.CreateUpDownCounter<long>(
        "supportbot.directline.streams", "{stream}", "Direct Line WebSockets (streamUrl) open now.");

    /// <summary>Counts a stream as open until the returned handle is disposed.</summary>
    public IDisposable Opened()
    {
        _open.Add(1);
        return new Stream(_open);
    }

    private sealed class Stream(UpDownCounter<long> open) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                open.Add(-1);
            }
        }
    }
}
