using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Privacy;

/// <summary>
/// The SDK's transcript logging (the memory provider's path) with the user's text redacted: the
/// SDK's middleware hands the logger its own copy of each activity, so masking it leaves the turn's as it was.
/// </summary>
public sealed class RedactingTranscriptLogger(ITranscriptLogger inner, TextRedactor redactor) : ITranscriptLogger
{
    public Task LogActivityAsync(IActivity activity)
    {
        if (activity is IMessageActivity message && activity.From?.Role == RoleTypes.User)
        {
            message.Text = redactor.Redact(message.Text);
        }

        return inner.LogActivityAsync(activity);
    }
}
