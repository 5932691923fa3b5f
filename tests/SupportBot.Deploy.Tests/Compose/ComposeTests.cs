using System.Text.RegularExpressions;
using SupportBot.Deploy.Tests.Configuration;
using SupportBot.Deploy.Tests.Infrastructure;

namespace SupportBot.Deploy.Tests.Compose;

/// <summary>deploy/compose.yaml in step with the host, the image, nginx.conf and .env.example.</summary>
public sealed partial class ComposeTests
{
    private static readonly Dictionary<object, object> Compose = Yaml.Load(Repository.Read("deploy", "compose.yaml"));

    private static Dictionary<object, object> Services => Compose.Map("services");

    // The bot replicas: the services that run the SupportBot image.
    private static List<(string Name, Dictionary<object, object> Service)> Bots =>
        [.. Services
            .Select(s => (Name: (string)s.Key, Service: (Dictionary<object, object>)s.Value))
            .Where(s => s.Service.Get("image") is string image && image.Contains("SUPPORTBOT_IMAGE", StringComparison.Ordinal))];

    [Fact]
    public void Compose_runs_two_bot_replicas_behind_nginx_and_postgresql_on_a_named_volume()
    {
        Assert.Equal(["bot-1", "bot-2"], Bots.Select(b => b.Name));

        var postgres = Services.Map("postgres");
        Assert.StartsWith("postgres:", postgres.Str("image"), StringComparison.Ordinal);
        var volume = Assert.Single(postgres.Seq("volumes").Cast<string>());
        Assert.Equal("postgres-data:/var/lib/postgresql/data", volume);
        Assert.True(Compose.Map("volumes").ContainsKey("postgres-data"), "the postgres-data volume is declared");

        var nginx = Services.Map("nginx");
        Assert.Equal(["bot-1", "bot-2"], nginx.Map("depends_on").Keys.Cast<string>().Order());
        foreach (var (_, bot) in Bots)
        {
            Assert.Equal("service_healthy", bot.Map("depends_on").Map("postgres").Str("condition"));
        }
    }

    [Fact]
    public void Each_replica_writes_the_model_and_review_files_to_a_named_volume_of_its_own_never_the_image()
    {
        Assert.Equal("true", (string?)Bots[0].Service.Get("read_only"));
        var volumes = new List<string>();
        foreach (var (name, bot) in Bots)
        {
            var mount = Assert.Single(bot.Seq("volumes").Cast<string>(), v => v.EndsWith(":/app/data", StringComparison.Ordinal));
            var volume = mount[..mount.IndexOf(':', StringComparison.Ordinal)];
            Assert.True(Compose.Map("volumes").ContainsKey(volume), $"{name}'s volume {volume} is declared");
            volumes.Add(volume);
        }

        Assert.Equal(volumes.Count, volumes.Distinct().Count());
        foreach (var key in new[] { "Classifier__ModelPath", "Classifier__ReviewPath", "Storage__Sqlite__Path" })
        {
            Assert.StartsWith("/app/data/", DeployFiles.ImageEnvironment[key], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bot_environment_sets_only_keys_the_host_reads()
    {
        foreach (var (name, bot) in Bots)
        {
            var unknown = bot.Map("environment").Keys.Cast<string>().Where(key => HostConfiguration.ForEnvironmentVariable(key) is null).ToList();
            Assert.True(unknown.Count == 0, $"{name} sets keys the host does not read: {string.Join(", ", unknown)}");
        }
    }

    [Fact]
    public void Secrets_come_from_the_env_file_and_env_example_lists_exactly_the_variables_compose_reads()
    {
        var text = Repository.Read("deploy", "compose.yaml");
        var used = Interpolation().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var example = Repository.Read("deploy", ".env.example").Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2)[0])
            .Where(name => !name.StartsWith("COMPOSE_", StringComparison.Ordinal))  // read by Compose itself
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(used.SetEquals(example), $"compose reads {string.Join(", ", used.Order())}; .env.example has {string.Join(", ", example.Order())}");

        foreach (var (name, bot) in Bots)
        {
            foreach (var (key, value) in bot.Map("environment").Select(e => ((string)e.Key, e.Value as string ?? "")))
            {
                if (IsSecret(key))
                {
                    Assert.True(Interpolation().IsMatch(value), $"{name}: {key} comes from deploy/.env, not a literal");
                }
            }
        }
    }

    [Fact]
    public void Nginx_mounts_the_tested_config_and_its_ports_match_the_replicas_and_the_image()
    {
        var nginx = Services.Map("nginx");
        Assert.Contains("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro", nginx.Seq("volumes").Cast<string>());
        var published = Assert.Single(nginx.Seq("ports").Cast<string>());
        Assert.EndsWith($":{DeployFiles.NginxListenPort}", published, StringComparison.Ordinal);

        var port = DeployFiles.ImagePort;
        Assert.Equal(Bots.Select(b => $"{b.Name}:{port}"), DeployFiles.NginxUpstreamServers);
        foreach (var (_, bot) in Bots)
        {
            Assert.Equal([port.ToString(System.Globalization.CultureInfo.InvariantCulture)], bot.Seq("expose").Cast<string>());
            Assert.False(bot.Map("environment").ContainsKey("ASPNETCORE_URLS"), "the replicas listen where the image says");
        }
    }

    [Fact]
    public void Connection_string_names_the_compose_database_its_user_and_password()
    {
        var postgres = Services.Map("postgres").Map("environment");
        foreach (var (_, bot) in Bots)
        {
            var connection = bot.Map("environment").Str("ConnectionStrings__SupportBot");
            Assert.Contains("Host=postgres;", connection, StringComparison.Ordinal);
            Assert.Contains($"Database={postgres.Str("POSTGRES_DB")};", connection, StringComparison.Ordinal);
            Assert.Contains($"Username={postgres.Str("POSTGRES_USER")};", connection, StringComparison.Ordinal);
            Assert.Contains("Password=${POSTGRES_PASSWORD", connection, StringComparison.Ordinal);
            Assert.StartsWith("${POSTGRES_PASSWORD", postgres.Str("POSTGRES_PASSWORD"), StringComparison.Ordinal);
            Assert.Equal("PostgreSql", bot.Map("environment").Str("Storage__Provider"));
        }
    }

    [Fact]
    public async Task Compose_reads_the_file_with_the_example_env_file_and_refuses_to_start_without_a_secret()
    {
        Assert.True(Processes.Exists("docker-compose"), "docker-compose is not installed: tests/run.sh installs Debian's docker-compose");
        var file = Repository.PathOf("deploy", "compose.yaml");
        var example = Repository.PathOf("deploy", ".env.example");
        var config = await Processes.RunAsync("docker-compose", ["-f", file, "--env-file", example, "config"], TimeSpan.FromMinutes(1));
        Assert.True(config.Succeeded, $"docker-compose config failed:\n{config.Output}");

        var rendered = Yaml.Load(config.StandardOutput).Map("services");
        var secret = ExampleValue("DIRECTLINE_SECRET");
        Assert.Equal(secret, rendered.Map("bot-1").Map("environment").Str("DirectLine__Secret"));
        Assert.Equal(secret, rendered.Map("bot-2").Map("environment").Str("DirectLine__Secret"));

        var withoutSecret = Path.Combine(Path.GetTempPath(), $"supportbot-{Guid.NewGuid():N}.env");
        await File.WriteAllLinesAsync(withoutSecret, File.ReadAllLines(example).Where(line => !line.StartsWith("DIRECTLINE_SECRET=", StringComparison.Ordinal)));
        try
        {
            var refused = await Processes.RunAsync("docker-compose", ["-f", file, "--env-file", withoutSecret, "config"], TimeSpan.FromMinutes(1));
            Assert.False(refused.Succeeded, "compose started without a Direct Line secret");
            Assert.Contains("set DIRECTLINE_SECRET in deploy/.env", refused.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(withoutSecret);
        }
    }

    private static string ExampleValue(string name) =>
        Repository.Read("deploy", ".env.example").Split('\n').Single(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    internal static bool IsSecret(string name) =>
        name.Contains("Secret", StringComparison.OrdinalIgnoreCase) || name.Contains("Password", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("__Key", StringComparison.Ordinal) || name.StartsWith("ConnectionStrings__", StringComparison.Ordinal);

    [GeneratedRegex(@"\$\{(?<name>[A-Z_][A-Z0-9_]*)")]
    private static partial Regex Interpolation();
}
