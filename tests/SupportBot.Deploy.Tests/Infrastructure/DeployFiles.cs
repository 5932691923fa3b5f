using System.Globalization;
using System.Text.RegularExpressions;

namespace SupportBot.Deploy.Tests.Infrastructure;

/// <summary>Facts read from the deployment files themselves, so the tests compare file with file.</summary>
internal static partial class DeployFiles
{
    public static string Dockerfile => Repository.Read("deploy", "Dockerfile");

    public static string NginxConfig => Repository.Read("deploy", "nginx", "nginx.conf");

    /// <summary>The port of the image's <c>ASPNETCORE_URLS</c>, checked to be the one it EXPOSEs.</summary>
    public static int ImagePort
    {
        get
        {
            var urls = ImageUrls().Match(Dockerfile);
            var expose = Expose().Match(Dockerfile);
            Assert.True(urls.Success && expose.Success, "deploy/Dockerfile sets ASPNETCORE_URLS and EXPOSEs a port");
            var port = int.Parse(urls.Groups["port"].Value, CultureInfo.InvariantCulture);
            Assert.Equal(port, int.Parse(expose.Groups["port"].Value, CultureInfo.InvariantCulture));
            return port;
        }
    }

    /// <summary>The image's environment variables (ENV lines, continuation lines included).</summary>
    public static IReadOnlyDictionary<string, string> ImageEnvironment =>
        EnvAssignment().Matches(Regex.Match(Dockerfile, @"^ENV (?<body>(?:.*\\\n)*.*)$", RegexOptions.Multiline).Groups["body"].Value)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);

    /// <summary>nginx.conf's upstream servers (host:port), in order.</summary>
    public static IReadOnlyList<string> NginxUpstreamServers =>
        [.. UpstreamServer().Matches(NginxConfig).Select(m => m.Groups["address"].Value)];

    public static int NginxListenPort =>
        int.Parse(Listen().Match(NginxConfig).Groups["port"].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// nginx.conf with its upstream servers and listen port on loopback and nothing else changed:
    /// how a test runs the file compose mounts without the compose network's host names.
    /// </summary>
    public static string NginxConfigOnLoopback(IReadOnlyList<int> upstreamPorts, int listenPort)
    {
        var servers = NginxUpstreamServers;
        Assert.Equal(servers.Count, upstreamPorts.Count);
        var index = 0;
        var config = UpstreamServer().Replace(NginxConfig, m => $"server 127.0.0.1:{upstreamPorts[index++]}");
        var listen = Listen().Matches(config);
        Assert.Single(listen);
        return Listen().Replace(config, $"listen 127.0.0.1:{listenPort};");
    }

    /// <summary>A config without nginx's per-address request limits: a load test's one client address stands for many visitors.</summary>
    public static string WithoutRequestLimits(string config)
    {
        Assert.Matches(LimitRequests(), config);
        return LimitRequests().Replace(config, string.Empty);
    }

    [GeneratedRegex(@"^\s*limit_req zone=[^;]*;\n", RegexOptions.Multiline)]
    private static partial Regex LimitRequests();

    [GeneratedRegex(@"ASPNETCORE_URLS=http://\+:(?<port>[0-9]+)")]
    private static partial Regex ImageUrls();

    [GeneratedRegex(@"^EXPOSE (?<port>[0-9]+)$", RegexOptions.Multiline)]
    private static partial Regex Expose();

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>[^\s\\]*)")]
    private static partial Regex EnvAssignment();

    [GeneratedRegex(@"server (?<address>[A-Za-z0-9.-]+:[0-9]+)")]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"listen (?<port>[0-9]+);")]
    private static partial Regex Listen();
}
