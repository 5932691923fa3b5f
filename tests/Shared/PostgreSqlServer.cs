using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SupportBot.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's server package, one per test process: started on
/// first use on a free loopback port, stopped when the process exits. Each test gets a database of
/// its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
/// <remarks>
/// Missing server binaries fail the tests that need them, with how to install them: CI must never
/// pass by skipping them. A developer without PostgreSQL leaves them out on purpose with
/// <c>--filter "Category!=PostgreSql"</c>. A watchdog shell stops the cluster if the test process
/// dies without running its exit handlers, so no server outlives the run.
/// </remarks>
public sealed partial class PostgreSqlServer
{
    /// <summary>The trait every test class that needs the server carries.</summary>
    public const string Category = "PostgreSql";

    private const string BinariesRoot = "/usr/lib/postgresql";

    /// <summary>The environment variable naming another folder with initdb and pg_ctl (a PostgreSQL not from Debian's package).</summary>
    public const string BinariesVariable = "SUPPORTBOT_POSTGRES_BIN";

    private static readonly Lazy<Task<PostgreSqlServer>> Shared = new(() => StartAsync(durable: false, settings: []));

    private readonly string _binaries;
    private readonly string _directory;
    private readonly bool _durable;
    private readonly IReadOnlyList<string> _settings;
    private int _stopped;

    private PostgreSqlServer(string binaries, string directory, int port, bool durable, IReadOnlyList<string> settings)
    {
        _binaries = binaries;
        _directory = directory;
        Port = port;
        _durable = durable;
        _settings = settings;
    }

    public int Port { get; }

    /// <summary>The cluster's data folder (its postmaster.pid names the server process).</summary>
    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>The server of this test process, started on first call.</summary>
    public static Task<PostgreSqlServer> GetAsync() => Shared.Value;

    /// <summary>A connection string to <paramref name="database"/> on this server, as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
    }.ToString();

    /// <summary>
    /// A cluster of the caller's own, for a test that stops and starts the server (the shared one
    /// serves every other test of the process), or a load test that measures it; stopped by <see cref="StopOwn"/>.
    /// </summary>
    /// <param name="durable">Keep PostgreSQL's default durability (fsync, synchronous commit), as a production server has it, instead of the test default of none.</param>
    /// <param name="settings">More server settings, each <c>name=value</c> (e.g. <c>shared_preload_libraries=pg_stat_statements</c>).</param>
    public static Task<PostgreSqlServer> StartOwnAsync(bool durable = false, params string[] settings) => StartAsync(durable, settings);

    /// <summary>Stops the server the way an operator's restart does (fast: connections are ended).</summary>
    public Task StopServerAsync() => RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts a stopped server again, on the same port with the same data.</summary>
    public Task StartServerAsync() =>
        RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-o", ServerOptions(), "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"]);

    /// <summary>Stops the cluster of <see cref="StartOwnAsync"/>; the watchdog deletes its folder when the test process ends.</summary>
    public void StopOwn() => Stop();

    // Durability is worth nothing in a cluster thrown away after the run: no fsync, unless the
    // cluster is there to be measured.
    private string ServerOptions()
    {
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=300";
        if (!_durable)
        {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        return string.Concat(options, string.Concat(_settings.Select(s => $" -c {s}")));
    }

    private static async Task<PostgreSqlServer> StartAsync(bool durable, IReadOnlyList<string> settings)
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            $"The PostgreSQL server binaries (initdb, pg_ctl) were not found under {BinariesRoot}/<version>/bin (or in ${BinariesVariable}). "
            + "Install them with: sudo apt-get install -y postgresql (tests/run.sh does this). "
            + $"To leave the PostgreSQL tests out on purpose: dotnet test --filter \"Category!={Category}\".");

        var directory = Directory.CreateTempSubdirectory("supportbot-postgres-").FullName;
        if (Environment.IsPrivilegedProcess)
        {
            // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        var port = FreePort();
        var server = new PostgreSqlServer(binaries, directory, port, durable, settings);
        await server.RunServerToolAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);

        await server.StartServerAsync();
        server.StartWatchdog();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } named)
        {
            return HasServerTools(named) ? named : null;
        }

        if (!Directory.Exists(BinariesRoot))
        {
            return null;
        }

        return Directory.GetDirectories(BinariesRoot)
            .Select(version => Path.Combine(version, "bin"))
            .Where(HasServerTools)
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var version) ? version : 0)
            .FirstOrDefault();
    }

    private static bool HasServerTools(string bin) => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the cluster now (the exit handler); the watchdog then removes its folder.</summary>
    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]).GetAwaiter().GetResult();
        }
    }

    /// <summary>A shell, in a session of its own, that stops the cluster and deletes it once this process is gone, however it ended.</summary>
    private void StartWatchdog()
    {
        var stop = ServerToolCommand("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{_directory}'";
        var start = new ProcessStartInfo("setsid", ["sh", "-c", script])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process.Start(start)!.Dispose();
    }

    private Task RunServerToolAsync(string tool, string[] arguments) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_binaries, tool), .. arguments])
            : RunAsync(Path.Combine(_binaries, tool), arguments);

    private string ServerToolCommand(string tool, string[] arguments)
    {
        var command = string.Join(' ', new[] { Path.Combine(_binaries, tool) }.Concat(arguments).Select(a => $"'{a}'"));
        return Environment.IsPrivilegedProcess ? $"runuser -u postgres -- {command}" : command;
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
