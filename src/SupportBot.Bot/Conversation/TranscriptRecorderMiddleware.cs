using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Storage;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Records every activity of a turn, the user's and the bot's, in a database transcript store (SQLite or PostgreSQL).
/// It does what the SDK's TranscriptLoggerMiddleware does (roles, ids and timestamps filled in the
/// record, the sent activities left as they were) at a third of its cost: that middleware clones
/// each activity through JSON and the store then serialises the clone again, while this one
/// serialises each activity once, as it passes. The user's text is recorded as the redactor
/// leaves it (<c>Privacy:Redact</c>); the turn reads it whole.
/// </summary>
public sealed class TranscriptRecorderMiddleware(IBatchedTranscriptStore store, TextRedactor redactor) : IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var records = new List<TranscriptAppend>();

        // A proactive turn (an agent's message, a handoff's end) starts from the bot's own
        // continue-conversation event, which the user never sent: only what the turn sends is recorded.
        if (!IsContinuation(turnContext.Activity))
        {
            Capture(records, turnContext.Activity, RoleTypes.User, fallbackId: null);
        }

        turnContext.OnSendActivities(async (context, activities, nextSend) =>
        {
            var responses = await nextSend();
            for (var i = 0; i < activities.Count; i++)
            {
                Capture(records, activities[i], RoleTypes.Bot, responses is not null && i < responses.Length ? responses[i]?.Id : null);
            }

            return responses;
        });

        // Edits and deletes are rare and rewrite an earlier row: the store's own path handles them.
        turnContext.OnUpdateActivity(async (context, activity, nextUpdate) =>
        {
            var response = await nextUpdate();
            var update = TranscriptJson.Deserialize(TranscriptJson.Serialize(activity));
            update.Type = ActivityTypes.MessageUpdate;
            await store.LogActivityAsync(update);
            return response;
        });
        turnContext.OnDeleteActivity(async (context, reference, nextDelete) =>
        {
            await nextDelete();
            var delete = reference.GetContinuationActivity();
            delete.Type = ActivityTypes.MessageDelete;
            delete.Id = reference.ActivityId;
            await store.LogActivityAsync(delete);
        });

        try
        {
            await next(cancellationToken);
        }
        finally
        {
            // After the turn, off its critical path: the store queues them for its writer.
            foreach (var record in records)
            {
                await store.AppendSerializedAsync(record);
            }
        }
    }

    private static bool IsContinuation(IActivity activity) =>
        activity.Type == ActivityTypes.Event && (activity as IEventActivity)?.Name == ActivityEventNames.ContinueConversation;

    private void Capture(List<TranscriptAppend> records, IActivity activity, string role, string? fallbackId)
    {
        if (activity is null || activity.ChannelId is null || activity.Conversation?.Id is null || activity.Type == ActivityTypes.Typing)
        {
            return;
        }

        // Fill in what the record needs, serialise, and put the activity back as it was: the
        // channel (or an expectReplies response) still gets exactly what the bot sent.
        var (id, timestamp, fromRole, text) = (activity.Id, activity.Timestamp, activity.From?.Role, (activity as IMessageActivity)?.Text);
        try
        {
            if (role == RoleTypes.User && activity is IMessageActivity message)
            {
                message.Text = redactor.Redact(text);
            }

            activity.Id ??= fallbackId ?? $"g_{Guid.NewGuid():N}";
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            if (activity.From is not null)
            {
                activity.From.Role ??= role;
            }

            records.Add(new TranscriptAppend(activity.ChannelId, activity.Conversation.Id, activity.Id, activity.Timestamp.Value, TranscriptJson.Serialize(activity)));
        }
        finally
        {
            activity.Id = id;
            activity.Timestamp = timestamp;
            if (activity is IMessageActivity message)
            {
                message.Text = text;
            }

            if (activity.From is not null)
            {
                activity.From.Role = fromRole;
            }
        }
    }
}
