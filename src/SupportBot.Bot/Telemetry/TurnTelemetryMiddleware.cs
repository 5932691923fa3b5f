using System.Diagnostics;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;

namespace SupportBot.Bot.Telemetry;

/// <summary>
/// Around every turn: a logging scope with the conversation id (so every log line of the turn
/// carries it), a "turn" span, and the turn's outcome and duration in the metrics. The adapter
/// runs it first, so the duration includes the wait for the conversation's earlier turn.
/// </summary>
public sealed class TurnTelemetryMiddleware(BotTelemetry telemetry, ILogger<TurnTelemetryMiddleware> logger, TimeProvider time) : IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        // A message template: the JSON formatter writes its fields, the simple one its text.
        using var scope = logger.BeginScope("Conversation {ConversationId} on {ChannelId}", activity.Conversation?.Id, activity.ChannelId);
        using var span = BotTelemetry.Source.StartActivity("turn", ActivityKind.Internal);
        span?.SetTag("supportbot.conversation.id", activity.Conversation?.Id);
        span?.SetTag("supportbot.channel", activity.ChannelId);
        span?.SetTag("supportbot.activity.type", activity.Type);

        var started = time.GetTimestamp();
        var outcome = TurnOutcome.Error;
        try
        {
            await next(cancellationToken);
            outcome = TurnOutcome.Of(turnContext);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            span?.SetTag("supportbot.outcome", outcome);
            telemetry.TurnEnded(outcome, activity.ChannelId, time.GetElapsedTime(started));
        }
    }
}
