using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.WebChat.Tests;

/// <summary>
/// SupportBot on a real Kestrel port, two other origins serving the help-desk demo page (one in
/// WebChat:AllowedOrigins, one not), and Debian's headless Chromium driven by Playwright.
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    /// <summary>Debian's package; Playwright's own browser download does not work here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _directory = Directory.CreateTempSubdirectory("supportbot-webchat-tests-").FullName;
    private WebApplication? _allowedSite;
    private WebApplication? _otherSite;
    private Factory? _bot;
    private IPlaywright? _playwright;

    public Uri Bot { get; private set; } = null!;

    /// <summary>A help-desk site allowed to embed the chat.</summary>
    public Uri AllowedSite { get; private set; } = null!;

    /// <summary>A site that is not in the allow-list.</summary>
    public Uri OtherSite { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test project's TestResults folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepositoryRoot(), "tests", "SupportBot.WebChat.Tests", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        var data = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        var modelPath = Path.Combine(Path.GetTempPath(), "supportbot-tests", $"model-{IntentModelFile.Fingerprint(data)}.zip");
        IntentModelFile.LoadOrTrain(data, modelPath, NullLoggerFactory.Instance);

        (_allowedSite, AllowedSite) = await StartDemoSiteAsync();
        (_otherSite, OtherSite) = await StartDemoSiteAsync();

        _bot = new Factory(new Dictionary<string, string?>
        {
            ["Classifier:ModelPath"] = modelPath,
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(_directory, "supportbot.db"),
            ["DirectLine:Secret"] = "browser-test-directline-secret-0123456789abcdef",
            ["RateLimits:DirectLineCreation:PermitLimit"] = "100000",
            // The latency measurement posts 32 questions in one conversation within a minute: faster than a person.
            ["DirectLine:MaxPostsPerConversation"] = "1000",
            ["WebChat:AllowedOrigins:0"] = Origin(AllowedSite),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _bot.UseKestrel(0);
        _bot.StartServer();
        Bot = LoopbackAddress(_bot.Services);
        await WaitUntilReadyAsync(Bot);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });

        // Only this run's screenshots: an earlier run's failure pictures would mislead.
        if (Directory.Exists(ScreenshotFolder))
        {
            Directory.Delete(ScreenshotFolder, recursive: true);
        }

        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _bot?.Dispose();
        foreach (var site in new[] { _allowedSite, _otherSite })
        {
            if (site is not null)
            {
                await site.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite connection may still hold the file; the temp folder is cleaned later.
        }
    }

    /// <summary>A fresh browser context (its own sessionStorage), as a new visitor.</summary>
    /// <param name="locale">The browser's language (navigator.language and Accept-Language); Chromium's default when null.</param>
    public async Task<IPage> NewPageAsync(string? locale = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 800 }, Locale = locale });
        return await context.NewPageAsync();
    }

    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    /// <summary>A site of its own on another port that serves the repository's help-desk demo page and its script.</summary>
    private static async Task<(WebApplication Site, Uri Address)> StartDemoSiteAsync()
    {
        var demo = Path.Combine(RepositoryRoot(), "src", "SupportBot.Web", "wwwroot", "demo");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var site = builder.Build();
        site.MapGet("/helpdesk.html", () => Results.Content(File.ReadAllText(Path.Combine(demo, "helpdesk.html")), "text/html; charset=utf-8"));
        site.MapGet("/helpdesk.js", () => Results.Content(File.ReadAllText(Path.Combine(demo, "helpdesk.js")), "text/javascript; charset=utf-8"));
        await site.StartAsync();
        return (site, LoopbackAddress(site.Services));
    }

    internal static Uri LoopbackAddress(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    internal static async Task WaitUntilReadyAsync(Uri bot)
    {
        using var http = new HttpClient { BaseAddress = bot };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await http.GetAsync("/readyz");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{bot} was not ready: /readyz answers {(int)response.StatusCode}");
            }

            await Task.Delay(100);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SupportBot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("SupportBot.sln not found above the test output.");
    }

    /// <summary>The host with the given settings (started on Kestrel by the caller).</summary>
    internal sealed class Factory(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        }
    }
}

/// <summary>The browser tests share one host and one browser, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserHost>
{
    public const string Name = "browser";
}
