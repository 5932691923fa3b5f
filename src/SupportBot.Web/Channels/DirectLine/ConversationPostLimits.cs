using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// Activities posted per conversation, at most <c>DirectLine:MaxPostsPerConversation</c> per
/// <c>DirectLine:PostWindow</c>: a person's pace. Counted in this process, so each replica
/// allows that many (a client mostly stays on one; the limit bounds a script, not a person).
/// </summary>
public sealed class ConversationPostLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ConversationPostLimits(IOptions<DirectLineOptions> options)
    {
        var limit = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(conversationId => RateLimitPartition.GetFixedWindowLimiter(
            conversationId,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.MaxPostsPerConversation, Window = limit.PostWindow, QueueLimit = 0 }));
    }

    /// <summary>Null when the conversation may post now; else how long until it may.</summary>
    public TimeSpan? TryPost(string conversationId)
    {
        using var lease = _limiter.AttemptAcquire(conversationId);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
