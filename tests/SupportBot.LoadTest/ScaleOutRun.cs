using System.Globalization;
using System.Text;
using Npgsql;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Testing;

namespace SupportBot.LoadTest;

/// <summary>
/// The cost of sharing, measured on the deployment in small: two SupportBot replicas on one
/// PostgreSQL behind nginx running deploy/nginx/nginx.conf, next to one replica on its SQLite file
/// and the bare echo bot, loaded in turn in the same run; then the statements PostgreSQL ran per
/// turn, and the memory of many Direct Line WebSockets held through nginx.
/// </summary>
public sealed class ScaleOutRun(string webDll, string echoDll, IDictionary<string, string> baseEnvironment, IReadOnlyList<string> questions, HttpClient http)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public async Task<int> RunAsync(int clients, TimeSpan warmup, TimeSpan duration, int rounds, IReadOnlyList<int> socketSteps)
    {
        // A server as production runs it (fsync and synchronous commit on), with statement counts.
        Console.Error.WriteLine("Starting PostgreSQL (durable, pg_stat_statements)");
        var postgres = await PostgreSqlServer.StartOwnAsync(durable: true, "shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all");
        var prefix = Directory.CreateTempSubdirectory("supportbot-load-nginx-").FullName;
        var processes = new List<BotProcess>();
        System.Diagnostics.Process? nginx = null;
        try
        {
            var connectionString = await CreateDatabaseAsync(postgres);
            var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var replicaEnvironment = new Dictionary<string, string>(baseEnvironment)
            {
                ["Storage__Provider"] = "PostgreSql",
                ["ConnectionStrings__SupportBot"] = connectionString,
                ["DirectLine__Secret"] = secret,
                ["RateLimits__DirectLineCreation__PermitLimit"] = "0",

                // Unsigned load through nginx: a loopback-only host refuses forwarded unsigned activities otherwise.
                ["Bot__AllowUnauthenticatedChannel"] = "true",
            };

            var echo = Start(processes, echoDll, ["echo-host"], new Dictionary<string, string>());
            var sqlite = Start(processes, webDll, [], baseEnvironment);
            var replicaA = Start(processes, webDll, [], replicaEnvironment);
            var replicaB = Start(processes, webDll, [], replicaEnvironment);
            foreach (var process in processes)
            {
                await process.WaitReadyAsync(http, Patience);
            }

            var port = FreePort();
            var config = Path.Combine(prefix, "nginx.conf");
            File.WriteAllText(config, DeployFiles.NginxConfigOnLoopback([replicaA.BaseUri.Port, replicaB.BaseUri.Port], port));
            // The shipped file logs every request to standard output, which is thrown away here:
            // thousands of lines a second read back by this process would load the cores measured.
            nginx = Processes.Start(
                "sh", ["-c", $"exec nginx -e stderr -p '{prefix}' -c '{config}' -g 'daemon off;' > /dev/null"], prefix, null, out var nginxLog, out _);
            var balancer = new Uri($"http://127.0.0.1:{port}");
            await WaitForAsync(balancer, nginx, nginxLog);

            var postmaster = PostmasterId(postgres);
            var nginxId = nginx.Id;
            var load = new LoadGenerator(http, questions);
            var results = new List<LoadResult>();
            var sharing = new Dictionary<string, Func<TimeSpan>>
            {
                ["nginx"] = () => ProcessTree.CpuTime(nginxId),
                ["PostgreSQL"] = () => ProcessTree.CpuTime(postmaster),
            };
            var database = new Dictionary<string, Func<TimeSpan>> { ["PostgreSQL"] = sharing["PostgreSQL"] };
            Console.Error.WriteLine($"Load: {clients} clients, {warmup.TotalSeconds:F0} s warm-up + {duration.TotalSeconds:F0} s per target, {rounds} rounds, on {Environment.ProcessorCount} cores");
            for (var round = 1; round <= rounds; round++)
            {
                Console.Error.WriteLine($"round {round}/{rounds}: echo bot");
                results.Add(await load.RunAsync("echo bot", echo.Messages, clients, warmup, duration, echo.ResidentMb, echo.CpuTime));
                Console.Error.WriteLine($"round {round}/{rounds}: SupportBot, 1 replica on SQLite");
                results.Add(await load.RunAsync("1 replica, SQLite", sqlite.Messages, clients, warmup, duration, sqlite.ResidentMb, sqlite.CpuTime));
                Console.Error.WriteLine($"round {round}/{rounds}: SupportBot, 1 replica on PostgreSQL");
                results.Add(await load.RunAsync("1 replica, PostgreSQL", replicaA.Messages, clients, warmup, duration, replicaA.ResidentMb, replicaA.CpuTime, database));
                Console.Error.WriteLine($"round {round}/{rounds}: SupportBot, nginx + 2 replicas on PostgreSQL");
                results.Add(await load.RunAsync(
                    "nginx + 2 replicas, PostgreSQL",
                    new Uri(balancer, "/api/messages"),
                    clients,
                    warmup,
                    duration,
                    () => replicaA.ResidentMb() + replicaB.ResidentMb(),
                    () => replicaA.CpuTime() + replicaB.CpuTime(),
                    sharing));
            }

            Console.WriteLine(FormatLoad(results, rounds));

            Console.Error.WriteLine("Statements per turn through nginx");
            var statements = await StatementsPerTurnAsync(connectionString, load, new Uri(balancer, "/api/messages"), clients);
            Console.WriteLine(statements);

            Console.Error.WriteLine("Memory per open Direct Line WebSocket, through nginx");
            var directLine = new DirectLineLoad(http, balancer, secret, questions);
            var (samples, openAtEnd, failure) = await directLine.MemoryPerSocketAsync(
                socketSteps,
                () => new Dictionary<string, double>
                {
                    ["replicas"] = replicaA.ResidentMb() + replicaB.ResidentMb(),
                    ["nginx"] = ProcessTree.ResidentMb(nginxId),
                },
                settle: TimeSpan.FromSeconds(10));
            Console.WriteLine(FormatMemory(samples, openAtEnd));
            if (failure is not null)
            {
                // Which limit was met: nginx says so in its error log ("worker_connections are not enough").
                Console.WriteLine($"Stopped: {failure}");
                Console.WriteLine($"nginx: {string.Join(" / ", Processes.Read(nginxLog).Split('\n').Where(l => l.Contains('[', StringComparison.Ordinal)).Distinct().TakeLast(5))}");
            }

            return results.Sum(r => r.Errors) == 0 && failure is null && openAtEnd == socketSteps[^1] ? 0 : 3;
        }
        finally
        {
            if (nginx is not null)
            {
                await Processes.StopAsync(nginx, TimeSpan.FromSeconds(10));
                nginx.Dispose();
            }

            foreach (var process in processes)
            {
                process.Dispose();
            }

            postgres.StopOwn();
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static BotProcess Start(List<BotProcess> processes, string dll, string[] arguments, IDictionary<string, string> environment)
    {
        var process = BotProcess.Start(dll, arguments, environment);
        processes.Add(process);
        return process;
    }

    private static async Task<string> CreateDatabaseAsync(PostgreSqlServer server)
    {
        await using (var admin = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE supportbot", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = server.ConnectionString("supportbot");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var extension = new NpgsqlCommand("CREATE EXTENSION pg_stat_statements", connection);
        await extension.ExecuteNonQueryAsync();
        return connectionString;
    }

    /// <summary>
    /// Every statement the database ran while a fixed number of turns went through nginx, per turn:
    /// the turn's own round trips and the amortised background writers (transcripts, wake-ups).
    /// </summary>
    private static async Task<string> StatementsPerTurnAsync(string connectionString, LoadGenerator load, Uri endpoint, int clients)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var reset = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection))
        {
            await reset.ExecuteNonQueryAsync();
        }

        var walBefore = await ScalarAsync<string>(connection, "SELECT pg_current_wal_lsn()::text");

        var result = await load.RunAsync("statements", endpoint, clients, TimeSpan.Zero, TimeSpan.FromSeconds(10), null, () => TimeSpan.Zero);
        // Let the background writers flush what the last turns queued.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var turns = result.Turns + result.Errors;

        await using var read = new NpgsqlCommand(
            """
            SELECT calls, rows, regexp_replace(query, '\s+', ' ', 'g')
            FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT LIKE '%pg_stat_statements%'
            ORDER BY calls DESC
            """,
            connection);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Statements PostgreSQL ran during {turns} turns through nginx ({clients} clients, 10 s):");
        table.AppendLine();
        table.AppendLine("| statement | calls | per turn | rows per call |");
        table.AppendLine("| --- | --- | --- | --- |");
        var total = 0L;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var calls = reader.GetInt64(0);
                total += calls;
                var text = reader.GetString(2);
                text = text.Length > 120 ? text[..117] + "..." : text;
                table.AppendLine(CultureInfo.InvariantCulture, $"| `{text.Replace("|", "\\|", StringComparison.Ordinal)}` | {calls} | {(double)calls / turns:F3} | {(double)reader.GetInt64(1) / calls:F1} |");
            }
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"| **all** | {total} | **{(double)total / turns:F3}** | |");

        // What the disk takes: write-ahead log per turn, and each table's size per row (for retention).
        var wal = await ScalarAsync<decimal>(connection, $"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{walBefore}')");
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Write-ahead log: {wal / turns / 1024:F1} KB per turn.");
        table.AppendLine();
        table.AppendLine("| table | rows | size (with indexes) | per row |");
        table.AppendLine("| --- | --- | --- | --- |");
        foreach (var name in new[] { "bot_state", "transcript_activities", "asked_questions" })
        {
            var rows = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {name}");
            var bytes = await ScalarAsync<long>(connection, $"SELECT pg_total_relation_size('{name}')");
            table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {rows} | {bytes / 1048576.0:F1} MB | {(rows == 0 ? 0 : bytes / rows)} B |");
        }

        return table.ToString();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static string FormatLoad(List<LoadResult> results, int rounds)
    {
        var table = new StringBuilder();
        table.AppendLine("| target | clients | turns | errors | turns/s | p50 ms | p90 ms | p99 ms | peak RSS MB (bot processes) | bot CPU ms/turn | nginx CPU ms/turn | PostgreSQL CPU ms/turn |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in results)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Clients} | {r.Turns} | {r.Errors} | {r.TurnsPerSecond:F0} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.PeakRssMb:F0} | {r.CpuMsPerTurn:F3} | {Other(r, "nginx")} | {Other(r, "PostgreSQL")} |");
        }

        table.AppendLine();
        var echo = results.Where(r => r.Target == "echo bot").Average(r => r.TurnsPerSecond);
        foreach (var target in results.Select(r => r.Target).Distinct().Where(t => t != "echo bot"))
        {
            var rate = results.Where(r => r.Target == target).Average(r => r.TurnsPerSecond);
            table.AppendLine(CultureInfo.InvariantCulture, $"{target}: {rate:F0} turns/s, {rate / echo:P0} of the echo bot's {echo:F0} (mean of {rounds} rounds)");
        }

        return table.ToString();

        static string Other(LoadResult r, string name) => r.OtherCpuMsPerTurn.TryGetValue(name, out var ms) ? ms.ToString("F3", CultureInfo.InvariantCulture) : "-";
    }

    private static string FormatMemory(List<(int Open, IReadOnlyDictionary<string, double> Mb)> samples, int openAtEnd)
    {
        var table = new StringBuilder();
        table.AppendLine("| WebSockets open (through nginx) | both replicas' RSS MB | nginx RSS MB |");
        table.AppendLine("| --- | --- | --- |");
        foreach (var (open, mb) in samples)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {open} | {mb["replicas"]:F0} | {mb["nginx"]:F1} |");
        }

        if (samples.Count < 2)
        {
            return table.ToString();
        }

        var (first, last) = (samples[0], samples[^1]);
        var sockets = last.Open - first.Open;
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Per WebSocket from {first.Open} to {last.Open}: replicas {(last.Mb["replicas"] - first.Mb["replicas"]) * 1024 / sockets:F1} KB, nginx {(last.Mb["nginx"] - first.Mb["nginx"]) * 1024 / sockets:F1} KB; {openAtEnd} of {last.Open} still open at the end");
        return table.ToString();
    }

    private static int PostmasterId(PostgreSqlServer server) =>
        int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private async Task WaitForAsync(Uri balancer, System.Diagnostics.Process nginx, StringBuilder log)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (nginx.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {Processes.Read(log)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(balancer, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"nginx at {balancer} did not pass requests on: {Processes.Read(log)}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
