using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>A WebSocket on a streamUrl, as Direct Line clients open it, reading <c>{activities, watermark}</c> messages.</summary>
public sealed class ActivityStreamClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;

    private ActivityStreamClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>Everything received so far, in order.</summary>
    public List<JsonObject> Activities { get; } = [];

    public List<string> Watermarks { get; } = [];

    /// <summary>Empty messages received so far (keep-alives).</summary>
    public int KeepAlives { get; private set; }

    public static async Task<ActivityStreamClient> ConnectAsync(string streamUrl, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(new Uri(streamUrl), timeout.Token);
        return new ActivityStreamClient(socket);
    }

    /// <summary>The status the server refused the WebSocket with.</summary>
    public static async Task<System.Net.HttpStatusCode> RefusalAsync(string streamUrl, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(Patience);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(streamUrl), timeout.Token));
        return socket.HttpStatusCode;
    }

    /// <summary>
    /// Asserts that the stream sent the conversation's activities 1, 2, 3, ... with no gap, one a
    /// message with its own watermark (botframework-directlinejs reorders the activities of
    /// messages that arrive close together when a message holds several).
    /// </summary>
    public void AssertEveryActivityInWatermarkOrder(string conversationId)
    {
        Assert.Equal(
            Enumerable.Range(1, Activities.Count).Select(n => $"{conversationId}|{n:0000000}"),
            Activities.Select(a => (string)a["id"]!));
        Assert.Equal(Enumerable.Range(1, Activities.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), Watermarks);
    }

    /// <summary>Receives messages until <paramref name="done"/> holds for what was received (or fails after a generous wait).</summary>
    public async Task ReceiveUntilAsync(Func<ActivityStreamClient, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!done(this))
        {
            var message = await ReceiveMessageAsync(timeout.Token);
            if (message.Length == 0)
            {
                KeepAlives++;
                continue;
            }

            var set = JsonNode.Parse(message)!;
            Activities.AddRange(set["activities"]!.AsArray().Select(a => a!.AsObject()));
            Watermarks.Add((string)set["watermark"]!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server went first.
            }
        }

        _socket.Dispose();
    }

    private async Task<string> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"The server closed the stream: {received.CloseStatus} {received.CloseStatusDescription}");
            }

            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        return Encoding.UTF8.GetString(message.ToArray());
    }
}
