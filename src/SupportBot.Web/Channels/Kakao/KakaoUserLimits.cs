using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.Kakao;

/// <summary>
/// <c>RateLimits:KakaoSkillPerUser</c>: messages per KakaoTalk user (per conversation), a person's
/// pace like the Direct Line's per-conversation post limit. Never per address: every user's
/// messages come from Kakao's few servers. Counted in this process, so each replica allows that many.
/// </summary>
public sealed class KakaoUserLimits(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = RateLimits.FixedWindowPerKey(options.Value.KakaoSkillPerUser);

    /// <summary>Null when the conversation may post now; else how long until it may.</summary>
    public TimeSpan? TryPost(string conversationId)
    {
        using var lease = _limiter.AttemptAcquire(ConversationRateLimiter.PartitionKey(KakaoSkillChannel.ChannelId, conversationId));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
