using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SupportBot.Web.Channels.DirectLine.Credentials;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// The WebSocket behind a <c>streamUrl</c>: every activity of the conversation after the
/// watermark, then each new one as it is appended, as <c>{"activities": [one], "watermark"}</c>
/// messages in watermark order; an empty message when idle, as keep-alive. Activities are read
/// from the store, so a client that reconnects with its watermark misses nothing and a slow one
/// costs no memory: it is dropped and reconnects. A conversation has at most
/// <c>DirectLine:MaxStreamsPerConversation</c> open (429 before the upgrade for one more), and a
/// stream lives no longer than the conversation token its streamUrl came with: then it is closed
/// with 1008 (policy violation, "token expired") and the client reconnects with its refreshed token.
/// </summary>
public static class ActivityStream
{
    /// <summary>The reason of the 1008 close when the stream's token expires (the client reconnects with a fresh token).</summary>
    public const string TokenExpiredReason = "TokenExpired: reconnect with a refreshed token.";

    private static readonly byte[] KeepAlive = [];

    /// <summary>How long a stopping host waits for the client's answer to its close frame.</summary>
    private static readonly TimeSpan CloseReplyWait = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(
        HttpContext context,
        string conversationId,
        string? watermark,
        string? t,
        DirectLineTokens tokens,
        IDirectLineStore store,
        IConversationNotifier notifier,
        IOptions<DirectLineOptions> options,
        IOptions<WebChatOptions> webChat,
        IHostApplicationLifetime lifetime,
        OpenActivityStreams openStreams,
        KeepAliveTicks keepAliveTicks,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(ActivityStream).FullName!);
        var refusal = Check(context, conversationId, watermark, t, tokens, webChat.Value, out var from, out var grant);
        if (refusal is null && await store.FindAsync(conversationId, context.RequestAborted) is null)
        {
            refusal = DirectLineErrors.ConversationNotFound(conversationId);
        }

        // Taken before the upgrade, so one more than the limit is a plain 429 the client can read.
        using var open = refusal is null ? openStreams.TryOpen(conversationId, options.Value.MaxStreamsPerConversation) : null;
        if (refusal is null && open is null)
        {
            logger.LogWarning("Refused a Direct Line stream of conversation {ConversationId}: {MaxStreams} already open", conversationId, options.Value.MaxStreamsPerConversation);
            refusal = DirectLineErrors.TooManyRequests("Too many streams open for this conversation", options.Value.KeepAliveInterval);
        }

        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var subscription = notifier.Subscribe(conversationId);
        using var tokenExpired = new CancellationTokenSource(Until(grant!.StreamEndsAt, time), time);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, tokenExpired.Token);

        // Not ended by the host stopping: cancelling a pending receive aborts the socket, and the
        // close frame that tells the client to reconnect elsewhere must go out first.
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var receiving = ReceiveUntilClosedAsync(socket, stopReceiving.Token, closed);

        // A client that stops reading blocks a send; being dropped cancels it.
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(closed.Token, subscription.Dropped);
        logger.LogInformation("Direct Line stream of conversation {ConversationId} opened at watermark {Watermark}", conversationId, from);
        try
        {
            from = await SendNewAsync(socket, store, conversationId, from, upTo: null, open!, closed.Token, sending.Token);

            var phase = keepAliveTicks.NewPhase();
            var tick = keepAliveTicks.Next(phase);
            var sentSinceTick = false;
            Task<bool>? announced = null;
            while (!closed.IsCancellationRequested)
            {
                announced ??= subscription.Watermarks.WaitToReadAsync(closed.Token).AsTask();
                if (!announced.IsCompleted && await Task.WhenAny(announced, tick) == tick)
                {
                    if (!sentSinceTick)
                    {
                        await socket.SendAsync(KeepAlive, WebSocketMessageType.Text, endOfMessage: true, sending.Token);
                    }

                    sentSinceTick = false;
                    tick = keepAliveTicks.Next(phase);
                    continue;
                }

                var more = await announced;
                announced = null;
                if (!more)
                {
                    throw new OperationCanceledException("The subscription ended.");
                }

                // Coalesce: one catch-up serves every announcement so far.
                long? upTo = null;
                while (subscription.Watermarks.TryRead(out var announcedWatermark))
                {
                    upTo = Math.Max(upTo ?? announcedWatermark, announcedWatermark);
                }

                if (upTo > from)
                {
                    from = await SendNewAsync(socket, store, conversationId, from, upTo, open!, closed.Token, sending.Token);
                    sentSinceTick = true;
                }
            }
        }
        catch (SubscriberTooSlowException)
        {
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, "Too far behind; reconnect with your watermark.");
        }
        catch (OperationCanceledException) when (subscription.Dropped.IsCancellationRequested)
        {
            socket.Abort();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away or the host is stopping.
        }
        finally
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // 1001, going away: the client reconnects with its watermark, to another instance.
                await CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "The server is stopping.");
                stopReceiving.CancelAfter(CloseReplyWait);
            }
            else if (tokenExpired.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // 1008: the token this stream was opened under has expired; the client reconnects with its refreshed one.
                logger.LogInformation("Direct Line stream of conversation {ConversationId} closed: its token expired", conversationId);
                await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, TokenExpiredReason);
                stopReceiving.CancelAfter(CloseReplyWait);
            }
            else
            {
                await stopReceiving.CancelAsync();
            }

            await closed.CancelAsync();
            await receiving;
            logger.LogInformation("Direct Line stream of conversation {ConversationId} closed at watermark {Watermark}", conversationId, from);
        }
    }

    private static TimeSpan Until(DateTimeOffset at, TimeProvider time)
    {
        var left = at - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static IResult? Check(
        HttpContext context, string conversationId, string? watermark, string? t, DirectLineTokens tokens, WebChatOptions webChat, out long from, out DirectLineToken? grant)
    {
        from = 0;
        grant = null;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return DirectLineErrors.BadArgument("Open the streamUrl as a WebSocket.");
        }

        if (!IsAllowedOrigin(context.Request, webChat))
        {
            return DirectLineErrors.Forbidden("Pages of this origin may not open the stream.");
        }

        switch (tokens.Check(t ?? string.Empty, out grant))
        {
            case TokenCheck.Valid when grant!.Scope == TokenScope.Stream && grant.ConversationId == conversationId:
                break;
            case TokenCheck.Expired when grant!.Scope == TokenScope.Stream:
                return DirectLineErrors.TokenExpired();
            default:
                return DirectLineErrors.Forbidden("The streamUrl is not valid for this conversation; get a new one.");
        }

        return DirectLineEndpoints.TryParseWatermark(watermark, out from)
            ? null
            : DirectLineErrors.BadArgument("The watermark is not one this service gave.");
    }

    // A browser sends its page's origin; other clients send none. CORS does not cover WebSockets.
    private static bool IsAllowedOrigin(HttpRequest request, WebChatOptions webChat)
    {
        var origin = request.Headers[HeaderNames.Origin].ToString();
        return origin.Length == 0
            || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
            || webChat.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Sends the activities after <paramref name="from"/>, up to the announced <paramref name="upTo"/>
    /// (or all there are, when null), and returns the watermark sent up to. Activities appended by
    /// this process come from <paramref name="open"/>; others (another replica's, or a stream too
    /// far behind) are read from the store.
    /// </summary>
    private static async Task<long> SendNewAsync(
        WebSocket socket, IDirectLineStore store, string conversationId, long from, long? upTo, OpenActivityStreams.OpenStream open, CancellationToken closed, CancellationToken sending)
    {
        while (upTo is null || from < upTo)
        {
            if (open.TryTakeNext(from, out var appended))
            {
                await socket.SendAsync(ActivityMessage(appended), WebSocketMessageType.Text, endOfMessage: true, sending);
                from = appended.Watermark;
                continue;
            }

            var page = await store.ReadAsync(conversationId, from, DirectLineEndpoints.PageSize, closed);
            if (page.Activities.Count == 0)
            {
                return from;
            }

            // One activity per message, with its own watermark: botframework-directlinejs emits
            // a message's activities one timer tick apart and interleaves them with the next
            // message's, so a client given [a, b] then [c] may show a, c, b.
            foreach (var activity in page.Activities)
            {
                await socket.SendAsync(ActivityMessage(activity), WebSocketMessageType.Text, endOfMessage: true, sending);
            }

            from = page.Watermark;
        }

        return from;
    }

    private static byte[] ActivityMessage(StoredActivity activity) =>
        Encoding.UTF8.GetBytes(DirectLineEndpoints.ActivitySetJson(new ActivityPage([activity], activity.Watermark)));

    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationToken stop, CancellationTokenSource closed)
    {
        // The client has nothing to say on this socket; reading is how its close is noticed.
        var buffer = new byte[1024];
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(buffer, stop);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, string.Empty);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        }
    }
}
