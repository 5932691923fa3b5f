using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>
/// The host on a real Kestrel port on loopback (WebSockets and outside clients need a real
/// server), with a clock the tests move, keep-alives every second, and one allowed page origin.
/// </summary>
public sealed class KestrelSupportBot : IDisposable
{
    public const string AllowedOrigin = "https://shop.example";

    private readonly SupportBotFactory _factory;
    private readonly WebApplicationFactory<Program> _host;

    public KestrelSupportBot(TrainedModelFixture model)
        : this(model, new Dictionary<string, string?>())
    {
    }

    private KestrelSupportBot(TrainedModelFixture model, IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["DirectLine:KeepAliveInterval"] = "00:00:01",
            ["WebChat:AllowedOrigins:0"] = AllowedOrigin,

            // A free port, never appsettings.json's 3978: several hosts (replicas) run at once.
            ["Urls"] = "http://127.0.0.1:0",
        };
        _factory = SupportBotFactory.WithSettings(model, all);
        _host = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock)));
        _host.UseKestrel(0);
        _host.StartServer();
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>A host with extra settings (another storage provider); the caller disposes it.</summary>
    public static KestrelSupportBot WithSettings(TrainedModelFixture model, IReadOnlyDictionary<string, string?> settings) => new(model, settings);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _host.Services;

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }
}
