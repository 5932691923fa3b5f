using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SupportBot.Web.Tests;

/// <summary>
/// The host under test: the repository's training data, the model trained once for the test run,
/// and a SQLite database of its own in a temporary folder. As a class fixture, each test class
/// gets one; tests that need other settings create their own with <see cref="WithSettings"/>.
/// </summary>
public sealed class SupportBotFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _ownedDirectory;
    private readonly Action<IServiceCollection>? _services;
    private readonly string? _environment;

    public SupportBotFactory(TrainedModelFixture model)
        : this(model, settings: null, databasePath: null, services: null, environment: null)
    {
    }

    private SupportBotFactory(
        TrainedModelFixture model,
        IReadOnlyDictionary<string, string?>? settings,
        string? databasePath,
        Action<IServiceCollection>? services,
        string? environment)
    {
        _services = services;
        _environment = environment;
        if (databasePath is null)
        {
            _ownedDirectory = Directory.CreateTempSubdirectory("supportbot-web-tests-db-").FullName;
            databasePath = Path.Combine(_ownedDirectory, "supportbot.db");
        }

        DatabasePath = databasePath;
        _settings = new Dictionary<string, string?>
        {
            ["Classifier:ModelPath"] = model.ModelPath,
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = DatabasePath,

            // A known Direct Line secret (none generated into the source tree), and rate limits
            // that a test run making many requests from one address never reaches (the tests of
            // the limits set their own).
            ["DirectLine:Secret"] = DirectLineSecret,
            ["RateLimits:DirectLineCreation:PermitLimit"] = "100000",
            ["RateLimits:HelpDeskApi:PermitLimit"] = "100000",
            ["RateLimits:BotMessages:PermitLimit"] = "100000",
            ["RateLimits:BotMessagesPerAddress:PermitLimit"] = "100000",
            ["RateLimits:BadApiKeys:PermitLimit"] = "100000",
            ["RateLimits:AdminSignIn:PermitLimit"] = "100000",

            // Configuration filters win over SetMinimumLevel: keep the test output to what went wrong.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>The Direct Line secret every host under test is configured with.</summary>
    public const string DirectLineSecret = "test-directline-secret-0123456789abcdefghijklmnop";

    public string DatabasePath { get; }

    /// <summary>
    /// A host with extra or replaced settings; on the given database file when one is named (the
    /// caller then owns it); with services replaced (a clock) and in another environment than
    /// Development when asked.
    /// </summary>
    public static SupportBotFactory WithSettings(
        TrainedModelFixture model,
        IReadOnlyDictionary<string, string?> settings,
        string? databasePath = null,
        Action<IServiceCollection>? services = null,
        string? environment = null) =>
        new(model, settings, databasePath, services, environment);

    /// <summary>Waits until /readyz answers 200 through a client of any host under test.</summary>
    public static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/readyz");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"/readyz still answers {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until /readyz answers 200 (the model is loaded in the background).</summary>
    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        await WaitUntilReadyAsync(client);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(_settings));
        if (_environment is not null)
        {
            builder.UseEnvironment(_environment);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownedDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A pooled SQLite connection may still hold the file; the temp folder is cleaned later.
            }
        }
    }
}
