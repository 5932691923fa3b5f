using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace SupportBot.LoadTest;

/// <summary>What the soak measured over its timed part.</summary>
public sealed record SoakResult(
    int Conversations, int Opened, int OpenFailures, TimeSpan Timed, double IntervalSeconds,
    int Turns, int Errors, int Dropped, double P50Ms, double P90Ms, double P99Ms,
    double HostCpuMs, double GeneratorCpuMs, int KeepAlives, IReadOnlyList<(TimeSpan At, double Mb)> Rss);

/// <summary>
/// Many Direct Line conversations open at once, as Web Chat pages left open: each started with the
/// secret, holding its <c>streamUrl</c> WebSocket, asking a question at random intervals (exponential,
/// averaging <c>interval</c>, from a random start) and timing the POST to the answer on its socket.
/// </summary>
/// <remarks>
/// One light generator beside the host on the same cores: every conversation is an async loop on
/// the thread pool (no thread of its own), waits on a timer between questions, reads its socket
/// into a small pooled buffer and parses with pooled <see cref="JsonDocument"/>s. Its sockets send no
/// pings, as a browser's do not; the host keeps them alive with its empty messages.
/// </remarks>
public sealed class SoakRun(HttpClient http, Uri host, string secret, IReadOnlyList<string> questions)
{
    private static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(30);

    private readonly byte[][] _bodies = [.. questions.Select(q => Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "message", ["text"] = q, ["locale"] = "en-US" }.ToJsonString()))];
    private readonly List<double> _latencies = [];
    private int _errors;
    private int _dropped;
    private int _turns;

    private HttpClient Http => http;

    private Uri Host => host;

    /// <summary>Opens the conversations at up to <paramref name="perSecond"/> a second, lets them ask through the warm-up, then times <paramref name="timed"/>.</summary>
    public async Task<SoakResult> RunAsync(int count, int perSecond, TimeSpan interval, TimeSpan warmup, TimeSpan timed, TimeSpan sampleEvery, int hostPid)
    {
        var conversations = new List<Conversation>(count);
        var openFailures = 0;
        var ramp = Stopwatch.StartNew();
        try
        {
            // A batch a tenth of a second: a bounded rate, not all at once.
            foreach (var batch in Enumerable.Range(0, count).Chunk(Math.Max(1, perSecond / 10)))
            {
                var due = ramp.Elapsed + TimeSpan.FromSeconds(0.1);
                foreach (var opened in await Task.WhenAll(batch.Select(_ => TryOpenAsync())))
                {
                    if (opened is null)
                    {
                        openFailures++;
                    }
                    else
                    {
                        conversations.Add(opened);
                    }
                }

                if (conversations.Count % 1000 < batch.Length)
                {
                    Console.Error.WriteLine($"{conversations.Count} conversations open ({openFailures} failed) after {ramp.Elapsed.TotalSeconds:F0} s");
                }

                var wait = due - ramp.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }

            Console.Error.WriteLine($"{conversations.Count} conversations open in {ramp.Elapsed.TotalSeconds:F0} s; asking, {warmup.TotalSeconds:F0} s warm-up then {timed.TotalMinutes:F1} min timed");
            var clock = Stopwatch.StartNew();
            var timedFrom = warmup;
            var timedUntil = warmup + timed;
            var asking = conversations.Select(c => AskAsync(c, interval, clock, timedFrom, timedUntil)).ToList();

            await Task.Delay(warmup);
            var hostCpu = ProcessTree.CpuTime(hostPid);
            var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var keepAlives = conversations.Sum(c => c.KeepAlives);
            var rss = new List<(TimeSpan, double)>();
            var allAsked = Task.WhenAll(asking);
            while (!allAsked.IsCompleted)
            {
                rss.Add((clock.Elapsed - warmup, ProcessTree.ResidentMb(hostPid)));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(clock.Elapsed - warmup).TotalSeconds,5:F0} s: host RSS {rss[^1].Item2:F0} MB, {Volatile.Read(ref _turns)} turns, {Volatile.Read(ref _errors)} errors, {Volatile.Read(ref _dropped)} dropped, {conversations.Count(c => c.IsOpen)} sockets open"));
                await Task.WhenAny(allAsked, Task.Delay(sampleEvery));
            }

            // The questions still in flight at the end are answered before the CPU is read.
            var hostCpuMs = (ProcessTree.CpuTime(hostPid) - hostCpu).TotalMilliseconds;
            var ownCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalMilliseconds;
            rss.Add((clock.Elapsed - warmup, ProcessTree.ResidentMb(hostPid)));

            var sorted = _latencies.Order().ToList();
            return new SoakResult(
                count, conversations.Count, openFailures, timed, interval.TotalSeconds, _turns, _errors, _dropped,
                DirectLineLoad.Percentile(sorted, 0.50), DirectLineLoad.Percentile(sorted, 0.90), DirectLineLoad.Percentile(sorted, 0.99),
                hostCpuMs, ownCpuMs, conversations.Sum(c => c.KeepAlives) - keepAlives, rss);
        }
        finally
        {
            foreach (var batch in conversations.Chunk(500))
            {
                await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
            }
        }
    }

    /// <summary>One conversation's questions until <paramref name="until"/>; the turns posted in the timed part are counted and timed.</summary>
    private async Task AskAsync(Conversation conversation, TimeSpan interval, Stopwatch clock, TimeSpan from, TimeSpan until)
    {
        // A random start spreads the first questions over one interval, then a Poisson process per conversation.
        for (var next = TimeSpan.FromSeconds(Random.Shared.NextDouble() * interval.TotalSeconds);
             next < until;
             next += TimeSpan.FromSeconds(-Math.Log(1 - Random.Shared.NextDouble()) * interval.TotalSeconds))
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            if (!conversation.IsOpen)
            {
                return;  // counted as dropped by its reader
            }

            var timedTurn = clock.Elapsed >= from;
            var started = Stopwatch.GetTimestamp();
            var answeredAt = await conversation.AskAsync(_bodies[Random.Shared.Next(_bodies.Length)]);
            if (!timedTurn)
            {
                continue;
            }

            if (answeredAt is null)
            {
                Interlocked.Increment(ref _errors);
                continue;
            }

            Interlocked.Increment(ref _turns);
            lock (_latencies)
            {
                _latencies.Add(Stopwatch.GetElapsedTime(started, answeredAt.Value).TotalMilliseconds);
            }
        }
    }

    private async Task<Conversation?> TryOpenAsync()
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, "/v3/directline/conversations"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            request.Content = new StringContent(new JsonObject { ["user"] = new JsonObject { ["id"] = $"soak-{Guid.NewGuid():N}" } }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var started = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(new Uri(started.RootElement.GetProperty("streamUrl").GetString()!), CancellationToken.None);
            var conversation = new Conversation(this, started.RootElement.GetProperty("conversationId").GetString()!, started.RootElement.GetProperty("token").GetString()!, socket);
            if (await Task.WhenAny(conversation.Welcomed, Task.Delay(AnswerPatience)) == conversation.Welcomed && conversation.Welcomed.Result)
            {
                return conversation;
            }

            await conversation.DisposeAsync();
            Console.Error.WriteLine("opening a conversation failed: no welcome on its WebSocket");
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or WebSocketException or IOException)
        {
            Console.Error.WriteLine($"opening a conversation failed: {ex.GetBaseException().Message}");
            return null;
        }
    }

    private sealed class Conversation : IAsyncDisposable
    {
        private readonly SoakRun _run;
        private readonly Uri _activities;
        private readonly AuthenticationHeaderValue _token;
        private readonly ClientWebSocket _socket;
        private readonly TaskCompletionSource<bool> _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<(string ReplyToId, long At)> _answers = Channel.CreateUnbounded<(string, long)>(new() { SingleReader = true, SingleWriter = true });
        private readonly CancellationTokenSource _closing = new();
        private readonly Task _reading;

        public Conversation(SoakRun run, string id, string token, ClientWebSocket socket)
        {
            _run = run;
            _activities = new Uri(run.Host, $"/v3/directline/conversations/{id}/activities");
            _token = new AuthenticationHeaderValue("Bearer", token);
            _socket = socket;
            _reading = ReadAsync();
        }

        public Task<bool> Welcomed => _welcomed.Task;

        public int KeepAlives { get; private set; }

        public bool IsOpen => _socket.State == WebSocketState.Open && !_reading.IsCompleted;

        /// <summary>Posts a question; returns when its answer arrived on the socket (a <see cref="Stopwatch"/> timestamp), or null on an error or no answer in time.</summary>
        public async Task<long?> AskAsync(byte[] body)
        {
            string? id;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _activities) { Content = new ByteArrayContent(body) };
                request.Headers.Authorization = _token;
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _run.Http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"POST activity: {(int)response.StatusCode}");
                    return null;
                }

                using var posted = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
                id = posted.RootElement.GetProperty("id").GetString();
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Console.Error.WriteLine($"POST activity: {ex.GetBaseException().Message}");
                return null;
            }

            using var timeout = new CancellationTokenSource(AnswerPatience);
            try
            {
                while (true)
                {
                    var answer = await _answers.Reader.ReadAsync(timeout.Token);
                    if (answer.ReplyToId == id)
                    {
                        return answer.At;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _closing.CancelAsync();
            await DirectLineLoad.CloseAsync(_socket);
            await _reading;
            _socket.Dispose();
            _closing.Dispose();
        }

        private async Task ReadAsync()
        {
            // Small, pooled: an answer fits; a longer message grows into a bigger pooled buffer for its length only.
            var small = ArrayPool<byte>.Shared.Rent(4096);
            var buffer = small;
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        if (buffer != small)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                        }

                        buffer = bigger;
                    }

                    var received = await _socket.ReceiveAsync(buffer.AsMemory(length), _closing.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        Dropped($"closed by the host: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                        return;
                    }

                    length += received.Count;
                    if (!received.EndOfMessage)
                    {
                        continue;
                    }

                    if (length == 0)
                    {
                        KeepAlives++;
                    }
                    else
                    {
                        Read(buffer.AsMemory(0, length));
                    }

                    length = 0;
                    if (buffer != small)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = small;
                    }
                }
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (ex is WebSocketException or JsonException)
            {
                Dropped(ex.GetBaseException().Message);
            }
            finally
            {
                if (buffer != small)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                ArrayPool<byte>.Shared.Return(small);
                _answers.Writer.TryComplete();
                _welcomed.TrySetResult(false);
            }
        }

        private void Read(ReadOnlyMemory<byte> message)
        {
            var at = Stopwatch.GetTimestamp();
            using var json = JsonDocument.Parse(message);
            foreach (var activity in json.RootElement.GetProperty("activities").EnumerateArray())
            {
                if (!activity.TryGetProperty("from", out var from) || !from.TryGetProperty("role", out var role) || role.GetString() != "bot")
                {
                    continue;
                }

                if (activity.TryGetProperty("replyToId", out var replyTo) && activity.GetProperty("type").GetString() == "message")
                {
                    _answers.Writer.TryWrite((replyTo.GetString()!, at));
                }
                else
                {
                    _welcomed.TrySetResult(true);
                }
            }
        }

        private void Dropped(string reason)
        {
            if (_closing.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _run._dropped);
            Console.Error.WriteLine($"WebSocket dropped: {reason}");
        }
    }

    public static string Format(SoakResult r)
    {
        var half = r.Rss.Where(s => s.At >= r.Timed / 2).ToList();
        var growth = half.Count < 2 ? 0 : (half[^1].Mb - half[0].Mb) / half[0].Mb;
        var series = string.Join(", ", r.Rss.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.At.TotalSeconds:F0} s {s.Mb:F0}")));
        return string.Create(CultureInfo.InvariantCulture, $"""
            | measure | value |
            | --- | --- |
            | conversations (Direct Line, each holding its WebSocket) | {r.Opened} open of {r.Conversations} ({r.OpenFailures} failed to open) |
            | load | a question every {r.IntervalSeconds:F0} s per conversation on average, timed {r.Timed.TotalMinutes:F1} min |
            | turns (answered on the WebSocket) / errors / WebSockets dropped | {r.Turns} / {r.Errors} / {r.Dropped} |
            | turns/s | {r.Turns / r.Timed.TotalSeconds:F0} |
            | POST to answer on the WebSocket, p50 / p90 / p99 | {r.P50Ms:F1} / {r.P90Ms:F1} / {r.P99Ms:F1} ms |
            | host CPU per turn (its process tree, user + system), and cores busy | {r.HostCpuMs / Math.Max(1, r.Turns):F2} ms, {r.HostCpuMs / r.Timed.TotalMilliseconds:F2} cores |
            | load generator CPU per turn, and cores busy | {r.GeneratorCpuMs / Math.Max(1, r.Turns):F2} ms, {r.GeneratorCpuMs / r.Timed.TotalMilliseconds:F2} cores |
            | keep-alives received over the timed part | {r.KeepAlives} ({r.KeepAlives / r.Timed.TotalSeconds:F0}/s) |
            | host RSS over the timed part (MB) | {series} |
            | host RSS growth over the last half | {growth:P1}{(growth > 0.10 ? " (over 10%: GROWING)" : "")} |
            """);
    }
}
