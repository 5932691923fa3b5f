using Microsoft.Bot.Schema;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Storage;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// Appends a handoff's activities to its log as Bot Framework activity JSON: the user's redacted
/// with <c>Privacy:Redact</c> as the transcript is, with the role and time the transcript records.
/// </summary>
public sealed class HandoffLog(IHandoffStore store, TextRedactor redactor, TimeProvider time)
{
    // A copy: the turn goes on with the user's words as they were.
    public Task<long> AppendFromUserAsync(string handoffId, Activity activity, CancellationToken cancellationToken) =>
        AppendAsync(handoffId, redactor.RedactedCopy(activity), RoleTypes.User, cancellationToken);

    /// <summary>What the agent sent, as the user's channel got it.</summary>
    public Task<long> AppendFromAgentAsync(string handoffId, Activity sent, CancellationToken cancellationToken) =>
        AppendAsync(handoffId, TranscriptJson.Deserialize(TranscriptJson.Serialize(sent)), RoleTypes.Bot, cancellationToken);

    private Task<long> AppendAsync(string handoffId, Activity activity, string role, CancellationToken cancellationToken)
    {
        activity.Timestamp ??= time.GetUtcNow();
        if (activity.From is not null)
        {
            activity.From.Role ??= role;
        }

        return store.AppendAsync(handoffId, TranscriptJson.Serialize(activity), cancellationToken);
    }
}
