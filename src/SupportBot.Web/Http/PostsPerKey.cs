using System.Threading.RateLimiting;

namespace SupportBot.Web.Http;

/// <summary>
/// Messages per key (a conversation, a user) at a person's pace: the channels' per-conversation
/// post limits. Counted in this process, so each replica allows that many; a client mostly stays
/// on one, and the limit bounds a script, not a person. Registered keyed by channel id.
/// </summary>
public sealed class PostsPerKey(RateLimit limit) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = RateLimits.FixedWindowPerKey(limit);

    /// <summary>Null when the key may post now; else how long until it may.</summary>
    public TimeSpan? TryPost(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
