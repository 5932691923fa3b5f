extern alias web;

using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace SupportBot.Benchmarks;

/// <summary>
/// <c>POST /api/kakao/skill</c> end to end in process (the host on ASP.NET Core's test server, SQLite
/// storage, the trained model): one skill request per operation, timed one at a time so the
/// percentiles are those of single requests. Open Builder gives a skill 5 s.
/// </summary>
[Config(typeof(PerRequestConfig))]
[MemoryDiagnoser]
public class KakaoSkillBenchmarks
{
    private const string BotId = "65a1e9b7c4f0a1b2c3d4e5f6";

    // Requests rotate over this many users: each keeps one conversation, as a channel's users do.
    private const int Users = 64;

    // A skill request as Open Builder sends it (the shape of tests/SupportBot.Web.Tests/Kakao/Fixtures).
    private const string RequestTemplate = """
        {"intent": {"id": "b1", "name": "fallback"}, "userRequest": {"timezone": "Asia/Seoul", "params": {}, "block": {"id": "b1", "name": "fallback"},
         "utterance": "@UTTERANCE", "lang": "ko", "user": {"id": "@USER", "type": "botUserKey", "properties": {}}},
         "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6", "name": "bench"}, "action": {"id": "a1", "name": "supportbot", "params": {}, "detailParams": {}, "clientExtra": {}}}
        """;

    private string _folder = null!;
    private WebApplicationFactory<web::Program> _factory = null!;
    private HttpClient _client = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("supportbot-kakao-bench-").FullName;
        var modelPath = Environment.GetEnvironmentVariable(BenchmarkModel.ModelPathVariable) is { Length: > 0 } given ? given : Path.Combine(_folder, "intent-model.zip");
        var settings = new Dictionary<string, string?>
        {
            ["Classifier:ModelPath"] = modelPath,
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(_folder, "supportbot.db"),
            ["DirectLine:Secret"] = "benchmark-directline-secret-0123456789abcdefghij",
            ["Kakao:BotIds:0"] = BotId,
            ["RateLimits:KakaoSkillPerUser:PermitLimit"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        // Run in process from this project's output: the content root is found from SupportBot.sln.
        _factory = new WebApplicationFactory<web::Program>().WithWebHostBuilder(host => host
            .UseSolutionRelativeContentRoot("src/SupportBot.Web")
            .ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings)));
        _client = _factory.CreateClient();
        WaitUntilReady();

        // The first turns build the prediction engines and the connections; the benchmarks measure the steady state.
        for (var i = 0; i < Users; i++)
        {
            Ask("안드로이드 키해시 오류가 나요");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _factory.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite connection may still hold the file; the temp folder is cleaned later.
        }
    }

    [Benchmark(Baseline = true, Description = "Kakao skill: Korean FAQ question (answer + feedback)")]
    public int KoreanQuestion() => Ask("안드로이드 키해시 오류가 나요");

    [Benchmark(Description = "Kakao skill: English FAQ question, lang ko")]
    public int EnglishQuestion() => Ask("How do I fix the keyhash mismatch error on Android?");

    [Benchmark(Description = "Kakao skill: help (topics as quick replies)")]
    public int Help() => Ask("도움말");

    private int Ask(string utterance)
    {
        var user = $"bench-user-{_next++ % Users:D3}";
        var body = RequestTemplate.Replace("@UTTERANCE", utterance, StringComparison.Ordinal).Replace("@USER", user, StringComparison.Ordinal);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = _client.PostAsync("/api/kakao/skill", content).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode || !text.Contains("\"version\":\"2.0\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The skill answered {(int)response.StatusCode}: {text}");
        }

        return text.Length;
    }

    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (_client.GetAsync("/readyz").GetAwaiter().GetResult().StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The host did not become ready (model training or loading) within 5 minutes.");
            }

            Thread.Sleep(200);
        }
    }

    /// <summary>
    /// One request per iteration (invocation count 1), so every measurement is one request and the
    /// median and P95/P99 columns are per request (none dropped as an outlier); in process, as the
    /// host runs on the test server. <c>--job short</c> adds BenchmarkDotNet's short job (means).
    /// </summary>
    private sealed class PerRequestConfig : ManualConfig
    {
        public PerRequestConfig()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithWarmupCount(20)
                .WithIterationCount(300)

                // Every request counts: a slow one is what P99 is about, not an outlier to drop.
                .WithOutlierMode(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove)
                .WithId("PerRequest"));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }

    /// <summary>A percentile of the measurements, which BenchmarkDotNet's built-in columns stop at P95 for.</summary>
    private sealed class PercentileColumn(int percentile) : IColumn
    {
        public string Id => $"P{percentile}";

        public string ColumnName => $"P{percentile} (μs)";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => percentile;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"{percentile}th percentile of the measurements, in microseconds";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { } statistics
                ? (statistics.Percentiles.Percentile(percentile) / 1000).ToString("N1", System.Globalization.CultureInfo.InvariantCulture)
                : "NA";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
