using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace SupportBot.LoadTest;

/// <summary>What the Direct Line run measured.</summary>
public sealed record DirectLineResult(
    int Questions, int Errors, double P50Ms, double P90Ms, double P99Ms,
    int Conversations, int ConversationsOpenAtEnd, int KeepAlivesReceived, TimeSpan Held, double IdleRssMb, double PeakRssMb, double EndRssMb);

/// <summary>
/// SupportBot's own Direct Line as Web Chat uses it: the time from posting a question to the bot's
/// answer arriving on the conversation's WebSocket, and the memory of many open WebSockets.
/// </summary>
public sealed class DirectLineLoad(HttpClient http, Uri host, string secret, IReadOnlyList<string> questions)
{
    private static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(30);

    /// <summary>Asks <paramref name="total"/> questions one after another, spread over a few conversations; each timed from POST to the answer on the socket.</summary>
    public async Task<(List<double> LatenciesMs, int Errors)> MeasureAnswerLatencyAsync(int total, int perConversation)
    {
        var latencies = new List<double>(total);
        var errors = 0;
        for (var asked = 0; asked < total;)
        {
            await using var conversation = await OpenAsync();
            for (var i = 0; i < perConversation && asked < total; i++, asked++)
            {
                var started = Stopwatch.GetTimestamp();
                var id = await conversation.PostAsync(questions[asked % questions.Count]);
                if (id is null || !await conversation.WaitForAnswerAsync(id))
                {
                    errors++;
                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return (latencies, errors);
    }

    /// <summary>Opens <paramref name="count"/> conversations, each asks one question, and all hold their WebSocket for <paramref name="hold"/>.</summary>
    public async Task<(int OpenAtEnd, int KeepAlives, double PeakRssMb, double EndRssMb)> HoldAsync(int count, TimeSpan hold, Func<double> residentMb)
    {
        var conversations = new List<Conversation>(count);
        var peak = residentMb();
        try
        {
            foreach (var batch in Enumerable.Range(0, count).Chunk(20))
            {
                conversations.AddRange(await Task.WhenAll(batch.Select(_ => OpenAsync())));
                peak = Math.Max(peak, residentMb());
            }

            await Task.WhenAll(conversations.Select(async (c, i) =>
            {
                var id = await c.PostAsync(questions[i % questions.Count]);
                if (id is not null)
                {
                    await c.WaitForAnswerAsync(id);
                }
            }));

            var held = Stopwatch.StartNew();
            while (held.Elapsed < hold)
            {
                peak = Math.Max(peak, residentMb());
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            return (conversations.Count(c => c.IsOpen), conversations.Sum(c => c.KeepAlives), peak, residentMb());
        }
        finally
        {
            await Task.WhenAll(conversations.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// Opens WebSocket conversations (each started and welcomed, as a Web Chat page that was opened
    /// and left) up to each of <paramref name="steps"/> in turn, and samples memory once each step
    /// has settled. Returns the samples and how many sockets were still open at the last step.
    /// </summary>
    /// <remarks>A conversation that cannot be opened ends the run at the last step reached, with the reason (a limit met).</remarks>
    public async Task<(List<(int Open, IReadOnlyDictionary<string, double> Mb)> Samples, int OpenAtEnd, string? Failure)> MemoryPerSocketAsync(
        IReadOnlyList<int> steps, Func<IReadOnlyDictionary<string, double>> sampleMb, TimeSpan settle)
    {
        var conversations = new List<Conversation>(steps.Max());
        var samples = new List<(int, IReadOnlyDictionary<string, double>)>();
        try
        {
            foreach (var step in steps)
            {
                while (conversations.Count < step)
                {
                    var batch = await Task.WhenAll(Enumerable.Range(0, Math.Min(50, step - conversations.Count)).Select(_ => TryOpenAsync()));
                    conversations.AddRange(batch.Where(c => c.Conversation is not null).Select(c => c.Conversation!));
                    if (batch.FirstOrDefault(c => c.Failure is not null).Failure is { } failure)
                    {
                        return (samples, conversations.Count(c => c.IsOpen), $"opening conversation {conversations.Count + 1} failed: {failure}");
                    }
                }

                await Task.Delay(settle);
                Console.Error.WriteLine($"{conversations.Count} WebSockets open");
                samples.Add((conversations.Count, sampleMb()));
            }

            return (samples, conversations.Count(c => c.IsOpen), null);
        }
        finally
        {
            foreach (var batch in conversations.Chunk(200))
            {
                await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
            }
        }
    }

    private async Task<(Conversation? Conversation, string? Failure)> TryOpenAsync()
    {
        try
        {
            return (await OpenAsync(), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or WebSocketException or IOException)
        {
            return (null, ex.GetBaseException().Message);
        }
    }

    private async Task<Conversation> OpenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, "/v3/directline/conversations"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        request.Content = new StringContent(
            new JsonObject { ["user"] = new JsonObject { ["id"] = $"load-{Guid.NewGuid():N}" } }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var started = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri((string)started["streamUrl"]!), CancellationToken.None);
        var conversation = new Conversation(http, host, (string)started["conversationId"]!, (string)started["token"]!, socket);
        await conversation.WaitForWelcomeAsync();
        return conversation;
    }

    private sealed class Conversation : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly Uri _activities;
        private readonly string _token;
        private readonly ClientWebSocket _socket;
        private readonly Channel<JsonObject> _received = Channel.CreateUnbounded<JsonObject>();
        private readonly CancellationTokenSource _closing = new();
        private readonly Task _reading;

        public Conversation(HttpClient http, Uri host, string id, string token, ClientWebSocket socket)
        {
            _http = http;
            _activities = new Uri(host, $"/v3/directline/conversations/{id}/activities");
            _token = token;
            _socket = socket;
            _reading = ReadAsync();
        }

        public int KeepAlives { get; private set; }

        public bool IsOpen => _socket.State == WebSocketState.Open && !_reading.IsCompleted;

        public Task WaitForWelcomeAsync() => WaitForAsync(a => (string?)a["from"]?["role"] == "bot");

        public Task<bool> WaitForAnswerAsync(string questionId) =>
            WaitForAsync(a => (string?)a["type"] == "message" && (string?)a["replyToId"] == questionId);

        public async Task<string?> PostAsync(string text)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _activities);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            request.Content = new StringContent(
                new JsonObject { ["type"] = "message", ["text"] = text, ["locale"] = "en-US" }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await _http.SendAsync(request);
            return response.IsSuccessStatusCode ? (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"] : null;
        }

        public async ValueTask DisposeAsync()
        {
            await _closing.CancelAsync();
            await CloseAsync(_socket);
            await _reading;
            _socket.Dispose();
        }

        private async Task<bool> WaitForAsync(Func<JsonObject, bool> match)
        {
            using var timeout = new CancellationTokenSource(AnswerPatience);
            try
            {
                while (true)
                {
                    if (match(await _received.Reader.ReadAsync(timeout.Token)))
                    {
                        return true;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                return false;
            }
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    var received = await _socket.ReceiveAsync(buffer, _closing.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, received.Count);
                    if (!received.EndOfMessage)
                    {
                        continue;
                    }

                    if (message.Length == 0)
                    {
                        KeepAlives++;
                    }
                    else
                    {
                        foreach (var activity in JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length))!["activities"]!.AsArray())
                        {
                            _received.Writer.TryWrite(activity!.AsObject());
                        }
                    }

                    message.SetLength(0);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
            finally
            {
                _received.Writer.TryComplete();
            }
        }
    }

    /// <summary>Says goodbye with a close frame, as a page being closed does, without waiting long for the host's answer.</summary>
    public static async Task CloseAsync(WebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static string Format(DirectLineResult r) => string.Create(CultureInfo.InvariantCulture, $"""
        | measure | value |
        | --- | --- |
        | questions asked one at a time (POST, then the answer on the WebSocket) | {r.Questions} ({r.Errors} errors) |
        | POST to answer on the WebSocket, p50 / p90 / p99 | {r.P50Ms:F1} / {r.P90Ms:F1} / {r.P99Ms:F1} ms |
        | concurrent WebSocket conversations held | {r.Conversations} for {r.Held.TotalSeconds:F0} s, {r.ConversationsOpenAtEnd} still open at the end, {r.KeepAlivesReceived} keep-alives received |
        | host resident memory: idle (after warm-up) / peak while held / at the end | {r.IdleRssMb:F0} / {r.PeakRssMb:F0} / {r.EndRssMb:F0} MB |
        """);
}
