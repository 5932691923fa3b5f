using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Http;

/// <summary>
/// <c>RateLimits:BotMessages</c>: activities per conversation on <c>/api/messages</c>, counted only
/// once the request is authenticated (see <c>InboundActivities</c>), never per address: a channel
/// carries every user's turns from a few addresses.
/// </summary>
public sealed class ConversationRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    /// <summary>The longest partition key kept as it is; longer ones are replaced by their hash.</summary>
    public const int MaxKeyLength = 128;

    private readonly PartitionedRateLimiter<string> _limiter = RateLimits.FixedWindowPerKey(options.Value.BotMessages);

    /// <summary>Takes one activity from the conversation's budget; a lease that is not acquired carries the wait.</summary>
    public RateLimitLease AttemptAcquire(string? channelId, string? conversationId) => _limiter.AttemptAcquire(PartitionKey(channelId, conversationId));

    /// <summary>The conversation's partition: channel and conversation id, or their SHA-256 when longer than <see cref="MaxKeyLength"/>, so no id makes a key of any length.</summary>
    public static string PartitionKey(string? channelId, string? conversationId)
    {
        var key = $"{channelId}/{conversationId}";
        return key.Length <= MaxKeyLength
            ? key
            : $"sha256:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// <c>RateLimits:BadApiKeys</c>: wrong help-desk API keys per IP address. Once an address has sent
/// that many in a window, every key it sends gets 429 until the window ends, the right one too:
/// guessing keys is slowed to the limit.
/// </summary>
public sealed class BadApiKeyLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = RateLimits.FixedWindowPerKey(options.Value.BadApiKeys);

    /// <summary>A refused lease when the caller's address has no wrong keys left in this window, else null.</summary>
    public RateLimitLease? Blocked(HttpContext context)
    {
        // Asking for no permit takes nothing and fails only when none is left.
        var lease = _limiter.AttemptAcquire(RateLimits.Address(context), 0);
        if (lease.IsAcquired)
        {
            lease.Dispose();
            return null;
        }

        return lease;
    }

    /// <summary>Counts a wrong key against the caller's address; a lease that is not acquired means this one was over the limit.</summary>
    public RateLimitLease CountBadKey(HttpContext context) => _limiter.AttemptAcquire(RateLimits.Address(context));

    public void Dispose() => _limiter.Dispose();
}
