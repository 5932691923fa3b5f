using System.Collections.Concurrent;

namespace SupportBot.Web.Http;

/// <summary>
/// Logs the requests refused with 429 once per limit and address per minute, with how many more
/// were refused in between: a flood is refused cheaply, and must not become a flood of log lines.
/// </summary>
public sealed class RefusalLog(ILogger<RefusalLog> logger, TimeProvider time)
{
    /// <summary>How long the refusals of one limit from one address are counted before the next line.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>A flood from more addresses than this starts the counting over rather than growing without bound.</summary>
    public const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Counting> _counting = new(StringComparer.Ordinal);
    private int _addresses;

    public void Refused(HttpContext context, string? policy)
    {
        var address = RateLimits.Address(context);
        var now = time.GetUtcNow();
        var counting = CountingFor($"{policy}|{address}");
        int unlogged;
        lock (counting)
        {
            if (now < counting.NextLine)
            {
                counting.Unlogged++;
                return;
            }

            unlogged = counting.Unlogged;
            counting.Unlogged = 0;
            counting.NextLine = now + Interval;
        }

        logger.LogWarning(
            "Refused {Method} {Path} from {RemoteAddress} with 429 ({RateLimitPolicy}); {Unlogged} more refused before this one without a line of their own",
            context.Request.Method,
            context.Request.Path,
            address,
            policy,
            unlogged);
    }

    // Counted apart: ConcurrentDictionary.Count takes every bucket's lock, too dear on a flood's path.
    private Counting CountingFor(string key)
    {
        if (_counting.TryGetValue(key, out var counting))
        {
            return counting;
        }

        if (Interlocked.Increment(ref _addresses) > MaxAddresses)
        {
            _counting.Clear();
            Interlocked.Exchange(ref _addresses, 1);
        }

        return _counting.GetOrAdd(key, _ => new Counting());
    }

    private sealed class Counting
    {
        public DateTimeOffset NextLine { get; set; } = DateTimeOffset.MinValue;

        public int Unlogged { get; set; }
    }
}
