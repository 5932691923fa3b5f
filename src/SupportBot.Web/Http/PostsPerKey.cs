using System.Collections.Concurrent;

namespace SupportBot.Web.Http;

/// <summary>
/// Messages per key (a conversation, a user) at a person's pace: the channels' per-conversation
/// post limits. Counted in this process, so each replica allows that many; a client mostly stays
/// on one, and the limit bounds a script, not a person. Registered keyed by channel id.
/// </summary>
/// <remarks>
/// A fixed window per key, opened by the key's first post. Not the framework's partitioned rate
/// limiter: that one visits every key ten times a second to replenish it, which with 10,000 open
/// Direct Line conversations was 3% of the host's CPU (docs/performance.md). Here a key is looked
/// at only when it posts, and ended windows are swept once a window.
/// </remarks>
public sealed class PostsPerKey(RateLimit limit, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>Null when the key may post now; else how long until it may.</summary>
    public TimeSpan? TryPost(string key)
    {
        if (limit.IsOff)
        {
            return null;
        }

        var now = time.GetTimestamp();
        SweepEndedWindows(now);
        var window = _windows.GetOrAdd(key, static (_, now) => new Window(now), now);
        lock (window)
        {
            if (time.GetElapsedTime(window.OpenedAt, now) >= limit.Window)
            {
                window.OpenedAt = now;
                window.Posts = 0;
            }

            if (window.Posts < limit.PermitLimit)
            {
                window.Posts++;
                return null;
            }

            var wait = limit.Window - time.GetElapsedTime(window.OpenedAt, now);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
    }

    private void SweepEndedWindows(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + WindowTicks(), due) != due)
        {
            return;
        }

        foreach (var (key, window) in _windows)
        {
            bool ended;
            lock (window)
            {
                ended = time.GetElapsedTime(window.OpenedAt, now) >= limit.Window;
            }

            if (ended)
            {
                // A post racing this removal opens a fresh window: it is within the limit either way.
                _windows.TryRemove(new KeyValuePair<string, Window>(key, window));
            }
        }
    }

    private long WindowTicks() => (long)(limit.Window.TotalSeconds * time.TimestampFrequency);

    private sealed class Window(long openedAt)
    {
        public long OpenedAt { get; set; } = openedAt;

        public int Posts { get; set; }
    }
}
