using System.Runtime.ExceptionServices;
using System.Security.Claims;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Builder.TraceExtensions;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Telemetry;
using SupportBot.Web.Storage;
using BotChannels = Microsoft.Bot.Connector.Channels;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>
/// The Bot Framework adapter with the cross-cutting concerns of every turn: the transcript, the
/// typing indicator, one turn at a time per conversation (so two quick messages do not race for
/// the same state), and the one place errors are handled. One constructor, so dependency
/// injection is not left to choose between <see cref="CloudAdapter"/>'s.
/// </summary>
public sealed class AdapterWithErrorHandler : CloudAdapter
{
    private const string ErrorTraceType = "https://www.botframework.com/schemas/error";

    public AdapterWithErrorHandler(
        BotFrameworkAuthentication authentication,
        ILogger<AdapterWithErrorHandler> logger,
        ConversationState conversationState,
        UserState userState,
        ITranscriptStore transcriptStore,
        TurnTelemetryMiddleware telemetry,
        TextRedactor redactor,
        IOptions<BotOptions> options)
        : base(authentication, logger)
    {
        // First, so that every log line of the turn carries its conversation id and the turn's
        // duration includes the wait for the conversation's earlier turn.
        Use(telemetry);
        // Before the transcript and the bot: nothing stores or reads more of a message than this.
        Use(new MessageLengthMiddleware(options.Value.MaxMessageLength));
        // The transcript is recorded inside the per-conversation gate, so turns stay in order in it.
        Use(new OneTurnAtATimeMiddleware());
        Use(transcriptStore is IBatchedTranscriptStore batched
            ? new TranscriptRecorderMiddleware(batched, redactor)
            : new TranscriptLoggerMiddleware(redactor.Enabled ? new RedactingTranscriptLogger(transcriptStore, redactor) : transcriptStore));
        Use(new TypingIndicatorMiddleware());

        // Last, around the bot alone: a turn that lost a state race with another replica runs again.
        Use(new StateConflictRetryMiddleware(conversationState, userState, logger));

        OnTurnError = async (turnContext, exception) =>
        {
            var activity = turnContext.Activity;

            // With the database away, neither clearing the state nor an apology can be saved, and
            // the state is sound: the request fails as a whole (503 + Retry-After, see
            // ProblemResponses) so the channel or client sends the activity again later.
            if (DatabaseOutage.IsOutage(exception))
            {
                ExceptionDispatchInfo.Throw(exception);
            }

            logger.LogError(
                exception,
                "Unhandled error in a {ActivityType} turn of conversation {ConversationId} on {ChannelId}",
                activity.Type,
                activity.Conversation?.Id,
                activity.ChannelId);

            try
            {
                // The dialog state may be what broke the turn: start the conversation afresh. Not
                // after an ETag conflict: the state is then another turn's, and it is sound.
                if (!ETagConflictException.IsConflict(exception))
                {
                    await conversationState.DeleteAsync(turnContext);
                }
            }
            catch (Exception stateError)
            {
                logger.LogError(stateError, "Could not clear the state of conversation {ConversationId}", activity.Conversation?.Id);
            }

            try
            {
                await turnContext.SendActivityAsync(
                    "Sorry, something went wrong on my side. Please try again, or ask your question in other words.");

                // The details are for the developer's Emulator only (the adapter drops traces on
                // other channels, but an expectReplies caller would get them in its response).
                if (activity.ChannelId == BotChannels.Emulator)
                {
                    await turnContext.TraceActivityAsync("OnTurnError Trace", exception.Message, ErrorTraceType, "TurnError");
                }
            }
            catch (Exception reportError)
            {
                logger.LogError(reportError, "Could not tell conversation {ConversationId} about the error", activity.Conversation?.Id);
            }
        };
    }

    /// <summary>Authenticates an activity of <c>/api/messages</c> as <c>CloudAdapter.ProcessAsync</c> does, so the endpoint can check it before the turn.</summary>
    public Task<AuthenticateRequestResult> AuthenticateAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
        BotFrameworkAuthentication.AuthenticateRequestAsync(activity, authHeader, cancellationToken);

    /// <summary>Runs the turn of an activity that <see cref="AuthenticateAsync"/> authenticated.</summary>
    public Task<InvokeResponse> ProcessAuthenticatedAsync(AuthenticateRequestResult authenticated, Activity activity, BotCallbackHandler callback, CancellationToken cancellationToken) =>
        ProcessActivityAsync(authenticated, activity, callback, cancellationToken);

    /// <summary>
    /// Runs a turn for an activity that a channel inside this host already authenticated (the
    /// Direct Line), with the same middleware, bot and error handling as /api/messages. The
    /// connector comes from <see cref="BotFrameworkAuthentication.CreateConnectorFactory"/>, so the
    /// registered authentication decides where the bot's replies go. CloudAdapterBase leaves this
    /// overload of BotAdapter unimplemented.
    /// </summary>
    public override Task<InvokeResponse> ProcessActivityAsync(ClaimsIdentity claimsIdentity, Activity activity, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        var authenticated = new AuthenticateRequestResult
        {
            ClaimsIdentity = claimsIdentity,
            ConnectorFactory = BotFrameworkAuthentication.CreateConnectorFactory(claimsIdentity),
        };
        return ProcessActivityAsync(authenticated, activity, callback, cancellationToken);
    }
}
