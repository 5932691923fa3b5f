using System.Globalization;
using SupportBot.LoadTest;

// Usage (from the repository root, after 'dotnet build -c Release'):
//   dotnet run -c Release --no-build --project tests/SupportBot.LoadTest -- [--clients 8] [--seconds 15] [--warmup 45] [--rounds 2] [--storage Sqlite|Memory]
// Starts the bare echo bot and SupportBot as separate processes and loads each in turn.
//   dotnet run -c Release --no-build --project tests/SupportBot.LoadTest -- directline [--questions 200] [--conversations 200] [--hold 60] [--storage Sqlite|Memory]
// Starts SupportBot and measures its Direct Line: POST-to-answer on the WebSocket, and memory with many open WebSockets.
//   dotnet run -c Release --no-build --project tests/SupportBot.LoadTest -- soak [--conversations 10000] [--minutes 10] [--interval 30] [--rate 100] [--warmup 45] [--sample 15] [--storage Sqlite|Memory]
// Starts SupportBot and holds many Direct Line conversations, each asking at random about every --interval seconds:
// turns/s, POST-to-answer percentiles, dropped WebSockets, host CPU per turn and RSS over time (docs/performance.md).
//   dotnet run -c Release --no-build --project tests/SupportBot.LoadTest -- scaleout [--clients 8] [--seconds 20] [--warmup 45] [--rounds 2] [--sockets 3000]
// Starts a durable PostgreSQL, two SupportBot replicas on it behind nginx (deploy/nginx/nginx.conf), one on SQLite and
// the echo bot; loads each in turn, counts PostgreSQL's statements per turn, then holds WebSockets through nginx.
if (args.Length > 0 && args[0] == "echo-host")
{
    await EchoBotHost.RunAsync(args[1..]);
    return 0;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, $"--{name}");
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

var directLine = args.Length > 0 && args[0] == "directline";
var clients = Option("clients", 8);
var seconds = Option("seconds", 15);
var warmup = Option("warmup", 45);  // tiered compilation needs tens of seconds under load: docs/performance.md
var rounds = Option("rounds", 2);
var providerIndex = Array.IndexOf(args, "--storage");
var provider = providerIndex >= 0 && providerIndex + 1 < args.Length ? args[providerIndex + 1] : "Sqlite";

var root = FindRepositoryRoot();
var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/'))) ?? "Release";
var webDll = Path.Combine(root, "src", "SupportBot.Web", "bin", configuration, "net10.0", "SupportBot.Web.dll");
if (!File.Exists(webDll))
{
    Console.Error.WriteLine($"Build the host first: dotnet build -c {configuration} (missing {webDll})");
    return 1;
}

var work = Directory.CreateTempSubdirectory("supportbot-load-");
var modelPath = Path.Combine(root, "models", "intent-model.zip");
var questions = new[]
{
    "keyhash mismatch android", "I get Invalid redirect when requesting the authorization code", "how do i change the app owner",
    "logout does not work with the rest api", "can i log out of every device at once", "og image not updated in kakaotalk share",
    "API limit has been exceeded", "email is empty even though required consent", "kakao sync simple signup screen not shown",
    "friend missing from friends api", "message button not showing on pc", "hello", "thanks", "what's the weather in seoul",
    "the app launch button opens the play store even though the app is installed", "can i recover my old app key",
    "yes", "no", "how do i add more than 10 domains", "user deleted account but still receives channel messages",
};

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.ConnectionClose = false;
var environment = new Dictionary<string, string>
{
    ["Storage__Provider"] = provider,
    ["Storage__Sqlite__Path"] = Path.Combine(work.FullName, "supportbot.db"),
    ["Classifier__ModelPath"] = modelPath,
    ["Logging__LogLevel__Default"] = "Warning",
    ["ASPNETCORE_ENVIRONMENT"] = "Production",

    // Each client sends its next turn as soon as it has the answer: far beyond a person's pace.
    ["RateLimits__BotMessages__PermitLimit"] = "0",
    ["RateLimits__BotMessagesPerAddress__PermitLimit"] = "0",
};

if (directLine)
{
    return await RunDirectLineAsync();
}

if (args.Length > 0 && args[0] == "soak")
{
    return await RunSoakAsync();
}

if (args.Length > 0 && args[0] == "scaleout")
{
    var sockets = Option("sockets", 3000);
    var run = new ScaleOutRun(webDll, Path.Combine(AppContext.BaseDirectory, "SupportBot.LoadTest.dll"), environment, questions, http);
    var code = await run.RunAsync(clients, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), rounds, [0, sockets / 3, sockets * 2 / 3, sockets]);
    work.Delete(recursive: true);
    return code;
}

Console.Error.WriteLine($"Load: {clients} clients, {warmup} s warm-up + {seconds} s per run, {rounds} rounds, on {Environment.ProcessorCount} cores");
var results = new List<LoadResult>();
TimeSpan readyTime;
using (var echo = BotProcess.Start(Path.Combine(AppContext.BaseDirectory, "SupportBot.LoadTest.dll"), ["echo-host"], new Dictionary<string, string>()))
using (var supportBot = BotProcess.Start(webDll, [], environment))
{
    await echo.WaitReadyAsync(http, TimeSpan.FromSeconds(30));

    // The first start may train the model (no model file yet); the ready time is measured on a restart.
    await supportBot.WaitReadyAsync(http, TimeSpan.FromMinutes(3));
}

using (var echo = BotProcess.Start(Path.Combine(AppContext.BaseDirectory, "SupportBot.LoadTest.dll"), ["echo-host"], new Dictionary<string, string>()))
using (var supportBot = BotProcess.Start(webDll, [], environment))
{
    readyTime = await supportBot.WaitReadyAsync(http, TimeSpan.FromMinutes(1));
    await echo.WaitReadyAsync(http, TimeSpan.FromSeconds(30));
    var load = new LoadGenerator(http, questions);
    for (var round = 1; round <= rounds; round++)
    {
        Console.Error.WriteLine($"round {round}/{rounds}: echo bot");
        results.Add(await load.RunAsync("echo bot", echo.Messages, clients, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), echo.ResidentMb, echo.CpuTime));
        Console.Error.WriteLine($"round {round}/{rounds}: SupportBot");
        results.Add(await load.RunAsync("SupportBot", supportBot.Messages, clients, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), supportBot.ResidentMb, supportBot.CpuTime));
    }
}

work.Delete(recursive: true);

Console.WriteLine($"| target | clients | turns | errors | turns/s | p50 ms | p90 ms | p99 ms | peak RSS MB | CPU ms/turn |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Clients} | {r.Turns} | {r.Errors} | {r.TurnsPerSecond:F0} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.PeakRssMb:F0} | {r.CpuMsPerTurn:F3} |"));
}

var echoRate = results.Where(r => r.Target == "echo bot").Average(r => r.TurnsPerSecond);
var botRate = results.Where(r => r.Target == "SupportBot").Average(r => r.TurnsPerSecond);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SupportBot / echo bot throughput: {botRate / echoRate:P0} (mean of {rounds} rounds: {botRate:F0} vs {echoRate:F0} turns/s)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SupportBot ready (process start to /readyz 200, model file present): {readyTime.TotalSeconds:F2} s"));
return results.Sum(r => r.Errors) == 0 ? 0 : 3;

async Task<int> RunDirectLineAsync()
{
    var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    environment["DirectLine__Secret"] = secret;
    environment["RateLimits__DirectLineCreation__PermitLimit"] = "0";
    var total = Option("questions", 200);
    var held = Option("conversations", 200);
    var hold = TimeSpan.FromSeconds(Option("hold", 60));
    Console.Error.WriteLine($"Direct Line: {total} questions one at a time, then {held} WebSocket conversations held {hold.TotalSeconds:F0} s, on {Environment.ProcessorCount} cores");

    using var bot = BotProcess.Start(webDll, [], environment);
    await bot.WaitReadyAsync(http, TimeSpan.FromMinutes(3));
    var load = new DirectLineLoad(http, bot.BaseUri, secret, questions);
    await load.MeasureAnswerLatencyAsync(total: 40, perConversation: 20);  // warm-up
    var idle = bot.ResidentMb();
    var (latencies, errors) = await load.MeasureAnswerLatencyAsync(total, perConversation: 20);
    var (open, keepAlives, peak, end) = await load.HoldAsync(held, hold, bot.ResidentMb);
    work.Delete(recursive: true);

    var sorted = latencies.Order().ToList();
    var result = new DirectLineResult(
        total, errors, DirectLineLoad.Percentile(sorted, 0.50), DirectLineLoad.Percentile(sorted, 0.90), DirectLineLoad.Percentile(sorted, 0.99),
        held, open, keepAlives, hold, idle, peak, end);
    Console.WriteLine(DirectLineLoad.Format(result));
    return errors == 0 && open == held ? 0 : 3;
}

async Task<int> RunSoakAsync()
{
    if (!File.Exists(modelPath))
    {
        Console.Error.WriteLine($"Train the model first (missing {modelPath}): dotnet run -c Release --no-build --project src/SupportBot.Cli -- train");
        return 1;
    }

    var count = Option("conversations", 10_000);
    var minutes = Option("minutes", 10);
    var interval = TimeSpan.FromSeconds(Option("interval", 30));
    var perSecond = Option("rate", 100);

    // Each conversation is a WebSocket in this process and another in the host, which inherits this limit.
    if (OpenFiles.Check(count + 1024) is { } tooFew)
    {
        Console.Error.WriteLine(tooFew);
        return 1;
    }

    var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    environment["DirectLine__Secret"] = secret;

    // Every conversation comes from this one address: its creation limit (30 a minute per address) is raised to the whole run.
    environment["RateLimits__DirectLineCreation__PermitLimit"] = (count + 100).ToString(CultureInfo.InvariantCulture);
    Console.Error.WriteLine($"Soak: {count} Direct Line conversations opened at {perSecond}/s, a question every {interval.TotalSeconds:F0} s each on average, {warmup} s warm-up + {minutes} min timed, {provider}, on {Environment.ProcessorCount} cores");

    // Few sockets for the POSTs, whatever the number of conversations; the WebSockets have their own.
    using var soakHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
    using var bot = BotProcess.Start(webDll, [], environment);
    await bot.WaitReadyAsync(soakHttp, TimeSpan.FromMinutes(3));
    var soak = new SoakRun(soakHttp, bot.BaseUri, secret, questions);
    var result = await soak.RunAsync(count, perSecond, interval, TimeSpan.FromSeconds(warmup), TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(Option("sample", 15)), bot.Id);
    work.Delete(recursive: true);
    Console.WriteLine(SoakRun.Format(result));
    return result.Errors == 0 && result.Dropped == 0 && result.OpenFailures == 0 ? 0 : 3;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SupportBot.sln")))
        {
            return dir.FullName;
        }
    }

    throw new DirectoryNotFoundException("SupportBot.sln not found above " + AppContext.BaseDirectory);
}
