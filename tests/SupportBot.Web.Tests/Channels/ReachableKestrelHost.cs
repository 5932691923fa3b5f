using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SupportBot.Web.Tests.Channels;

/// <summary>
/// The host as a deployment runs it: Production, on a real Kestrel listening on every interface
/// (so reachable from other machines, as in a container), no app id; the test calls it over loopback.
/// </summary>
public sealed class ReachableKestrelHost : IAsyncDisposable
{
    private readonly SupportBotFactory _factory;
    private readonly WebApplicationFactory<Program> _host;

    private ReachableKestrelHost(TrainedModelFixture model, IReadOnlyDictionary<string, string?> settings)
    {
        _factory = SupportBotFactory.WithSettings(model, settings, environment: "Production");
        _host = _factory.WithWebHostBuilder(_ => { });
        _host.UseKestrel(kestrel => kestrel.ListenAnyIP(0));
        _host.StartServer();
        Addresses = [.. _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
        var port = new Uri(Addresses[0].Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>What the server says it listens on (<c>http://[::]:PORT</c>).</summary>
    public IReadOnlyList<string> Addresses { get; }

    public Uri BaseAddress { get; }

    public static async Task<ReachableKestrelHost> StartAsync(TrainedModelFixture model, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new ReachableKestrelHost(model, settings ?? new Dictionary<string, string?>());
        using var client = host.CreateClient();
        await SupportBotFactory.WaitUntilReadyAsync(client);
        return host;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
