using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace SupportBot.LoadTest;

/// <summary>Turns per second and latency percentiles of one bot under N concurrent Emulator-style clients.</summary>
/// <remarks><see cref="OtherCpuMsPerTurn"/>: CPU per turn of the other processes a turn passes through (nginx, PostgreSQL), by name.</remarks>
public sealed record LoadResult(string Target, int Clients, int Turns, int Errors, double Seconds, double P50Ms, double P90Ms, double P99Ms, double PeakRssMb, double CpuMsPerTurn)
{
    public IReadOnlyDictionary<string, double> OtherCpuMsPerTurn { get; init; } = new Dictionary<string, double>();

    public double TurnsPerSecond => Turns / Seconds;
}

/// <summary>
/// Sends message activities with <c>deliveryMode: expectReplies</c> to <c>/api/messages</c>, each
/// client in its own conversation, one turn at a time per client (as a person's client does).
/// </summary>
public sealed class LoadGenerator(HttpClient http, IReadOnlyList<string> questions)
{
    public async Task<LoadResult> RunAsync(
        string target,
        Uri endpoint,
        int clients,
        TimeSpan warmup,
        TimeSpan duration,
        Func<double>? sampleRssMb,
        Func<TimeSpan> cpuTime,
        IReadOnlyDictionary<string, Func<TimeSpan>>? otherCpuTimes = null)
    {
        otherCpuTimes ??= new Dictionary<string, Func<TimeSpan>>();
        await RunPhaseAsync(endpoint, clients, warmup, record: null, runId: $"warm-{Guid.NewGuid():N}");

        var latencies = new List<double>[clients];
        var errors = 0;
        var peakRss = 0.0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested && sampleRssMb is not null)
            {
                peakRss = Math.Max(peakRss, sampleRssMb());
                await Task.Delay(200, CancellationToken.None);
            }
        });

        var cpuBefore = cpuTime();
        var othersBefore = otherCpuTimes.ToDictionary(o => o.Key, o => o.Value());
        var stopwatch = Stopwatch.StartNew();
        errors = await RunPhaseAsync(endpoint, clients, duration, record: latencies, runId: $"run-{Guid.NewGuid():N}");
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var cpu = cpuTime() - cpuBefore;
        var others = otherCpuTimes.ToDictionary(o => o.Key, o => o.Value() - othersBefore[o.Key]);
        await sampling.CancelAsync();
        await sampler;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(target, clients, all.Length, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.90), Percentile(all, 0.99), peakRss, PerTurn(cpu))
        {
            OtherCpuMsPerTurn = others.ToDictionary(o => o.Key, o => PerTurn(o.Value)),
        };

        double PerTurn(TimeSpan time) => all.Length == 0 ? 0 : time.TotalMilliseconds / all.Length;
    }

    private async Task<int> RunPhaseAsync(Uri endpoint, int clients, TimeSpan duration, List<double>[]? record, string runId)
    {
        var deadline = Stopwatch.StartNew();
        var errors = 0;
        var tasks = Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = new List<double>(capacity: 100_000);
            if (record is not null)
            {
                record[client] = mine;
            }

            var turn = 0;
            while (deadline.Elapsed < duration)
            {
                var body = Activity(runId, client, questions[(client * 7 + turn) % questions.Count]);
                turn++;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(endpoint, content);
                    var text = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode || !text.Contains("\"activities\"", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        await Task.WhenAll(tasks);
        return errors;
    }

    private static string Activity(string runId, int client, string text) =>
        $$"""
        {"type":"message","id":"{{Guid.NewGuid():N}}","channelId":"emulator","serviceUrl":"http://127.0.0.1:9",
         "deliveryMode":"expectReplies","text":{{System.Text.Json.JsonSerializer.Serialize(text)}},
         "from":{"id":"user-{{client}}","name":"User {{client}}"},"recipient":{"id":"bot","name":"Bot"},
         "conversation":{"id":"{{runId}}-{{client}}"},"timestamp":"{{DateTimeOffset.UtcNow:O}}","locale":"en-US"}
        """;

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
