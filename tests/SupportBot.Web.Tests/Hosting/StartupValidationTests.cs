using System.Diagnostics;
using System.Text.RegularExpressions;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Tests.Hosting;

/// <summary>
/// A bad setting or invalid training data stops the host at start, with a message that says what
/// to fix and no stack trace. These run the built host as a process, as a user does: when the start
/// fails very early, WebApplicationFactory can report an ObjectDisposedException instead.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class StartupValidationTests(TrainedModelFixture model)
{
    [Theory]
    [InlineData("Storage:Provider", "Cosmos", "Storage:Provider")]
    [InlineData("Storage:Sqlite:Path", " ", "Storage:Sqlite:Path")]
    [InlineData("Storage:Provider", "PostgreSql", "ConnectionStrings:SupportBot")]
    [InlineData("Classifier:Decision:AnswerThreshold", "1.5", "Classifier:Decision:AnswerThreshold")]
    [InlineData("Classifier:Decision:MaxCandidates", "9", "Classifier:Decision:MaxCandidates")]
    [InlineData("Classifier:TrainingDataPath", "/no/such/training-data", "Classifier:TrainingDataPath")]
    [InlineData("Classifier:FirstModelTimeout", "00:00:00", "Classifier:FirstModelTimeout")]
    [InlineData("Api:MaxRequestBodyBytes", "0", "Api:MaxRequestBodyBytes")]
    [InlineData("HelpDesk:ApiKeys:0:Key", "changeme", "HelpDesk:ApiKeys:0:Key")]
    [InlineData("HelpDesk:Webhook:Url", "not a url", "HelpDesk:Webhook:Url")]
    [InlineData("HelpDesk:Webhook:Url", "http://127.0.0.1:9/hooks", "HelpDesk:Webhook:Secret")]
    [InlineData("HelpDesk:Webhook:MaxAttempts", "0", "HelpDesk:Webhook:MaxAttempts")]
    [InlineData("HelpDesk:AdminPassword", "short", "HelpDesk:AdminPassword")]
    [InlineData("DirectLine:Mode", "Cloud", "DirectLine:Mode")]
    [InlineData("DirectLine:Secret", "short", "DirectLine:Secret")]
    [InlineData("DirectLine:TokenLifetime", "00:00:05", "DirectLine:TokenLifetime")]
    [InlineData("DirectLine:Mode", "Azure", "DirectLine:AzureSecret")]
    [InlineData("WebChat:AllowedOrigins:0", "*", "WebChat:AllowedOrigins")]
    [InlineData("WebChat:AllowedOrigins:0", "https://shop.example/chat", "WebChat:AllowedOrigins")]
    [InlineData("RateLimits:BotMessages:PermitLimit", "-1", "RateLimits:BotMessages:PermitLimit")]
    [InlineData("RateLimits:HelpDeskApi:Window", "00:00:00", "RateLimits:HelpDeskApi:Window")]
    [InlineData("RateLimits:DirectLineCreation:PermitLimit", "many", "RateLimits:DirectLineCreation:PermitLimit")]
    [InlineData("DirectLine:CreationsPerWindow", "30", "RateLimits:DirectLineCreation:PermitLimit")]
    [InlineData("Telemetry:Metrics:Path", "metrics", "Telemetry:Metrics:Path")]
    [InlineData("Telemetry:Metrics:Port", "70000", "Telemetry:Metrics:Port")]
    [InlineData("Telemetry:Metrics:AllowedNetworks:0", "10.0.0.0/33", "Telemetry:Metrics:AllowedNetworks")]
    [InlineData("Telemetry:Tracing:OtlpEndpoint", "otel-collector:4317", "Telemetry:Tracing:OtlpEndpoint")]
    [InlineData("Telemetry:Tracing:Protocol", "Udp", "Telemetry:Tracing:Protocol")]
    [InlineData("Telemetry:Tracing:SampleRatio", "2", "Telemetry:Tracing:SampleRatio")]
    [InlineData("Privacy:Redact", "yes", "Privacy:Redact")]
    [InlineData("Shutdown:Timeout", "00:00:00", "Shutdown:Timeout")]
    [InlineData("Shutdown:DrainDelay", "00:01:00", "Shutdown:DrainDelay")]
    [InlineData("Logging:Console:FormatterName", "xml", "Logging:Console:FormatterName")]
    public async Task A_bad_setting_stops_the_host_naming_the_key(string key, string value, string named)
    {
        var error = await StartFailureAsync((key, value));

        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    /// <summary>Every <c>change-me</c> value of deploy/.env.example, as the host setting compose makes of it.</summary>
    public static TheoryData<string, string, string> ExamplePlaceholders()
    {
        var root = Path.GetDirectoryName(TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory).Root)!;
        var compose = File.ReadAllLines(Path.Combine(root, "deploy", "compose.yaml"));
        var data = new TheoryData<string, string, string>();
        foreach (var line in File.ReadAllLines(Path.Combine(root, "deploy", ".env.example")))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals < 0 || !line[(equals + 1)..].StartsWith("change-me", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var (name, value) = (line[..equals], line[(equals + 1)..].Trim());
            var reference = new Regex(@"\$\{" + Regex.Escape(name) + @"\b[^}]*\}");
            var settings = compose
                .Select(l => Regex.Match(l, @"^\s+(\w+__\w+|MicrosoftApp\w+): (.*)$"))
                .Where(m => m.Success && reference.IsMatch(m.Groups[2].Value))
                .ToList();
            Assert.True(settings.Count > 0, $"compose.yaml gives {name} to no host setting");
            foreach (var setting in settings)
            {
                var key = setting.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal);
                data.Add(key, reference.Replace(setting.Groups[2].Value, value), name);
            }
        }

        Assert.True(data.Count >= 3, "deploy/.env.example has fewer placeholders than the three secrets it ships");
        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplePlaceholders))]
    public async Task Each_placeholder_of_the_example_env_file_stops_the_host_naming_the_setting(string key, string value, string variable)
    {
        var error = await StartFailureAsync((key, value));

        Assert.True(error.Contains($"{key}", StringComparison.Ordinal) && error.Contains("placeholder", StringComparison.Ordinal), $"{variable} as {key}: {error}");
        Assert.DoesNotContain("change-me", error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("DirectLine:Secret", "CHANGE-ME-please-0123456789abcdefghijklmnop")]
    [InlineData("DirectLine:Secret", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("DirectLine:AzureSecret", "change-me-azure")]
    [InlineData("HelpDesk:ApiKeys:0:Key", "only-twenty-chars-12")]
    [InlineData("HelpDesk:ApiKeys:0:Key", "abababababababababababababababababab")]
    [InlineData("HelpDesk:AdminPassword", "change-me-admin-password")]
    [InlineData("HelpDesk:AdminPassword", "aaaaaaaaaaaaaaaa")]
    [InlineData("HelpDesk:Webhook:Secret", "change-me-webhook-secret")]
    [InlineData("HelpDesk:Webhook:Secret", "whsec-twenty-chars-1")]
    [InlineData("MicrosoftAppPassword", "change-me")]
    [InlineData("Kakao:SkillSecret", "change-me-kakao-skill-secret")]
    [InlineData("Kakao:SkillSecret", "kakao-twenty-chars-1")]
    public async Task A_placeholder_or_weak_secret_stops_the_host_outside_development_naming_the_setting(string key, string value)
    {
        var settings = new List<(string, string)> { (key, value) };
        if (key.StartsWith("HelpDesk:ApiKeys", StringComparison.Ordinal))
        {
            settings.Add(("HelpDesk:ApiKeys:0:Name", "helpdesk"));
        }

        if (key.StartsWith("HelpDesk:Webhook", StringComparison.Ordinal))
        {
            settings.Add(("HelpDesk:Webhook:Url", "http://127.0.0.1:9/hooks"));
        }

        var error = await StartFailureAsync([.. settings]);

        Assert.Contains($"{key}: the value ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_keeps_a_placeholder_secret_but_warns_naming_the_setting()
    {
        await using var host = await HostProcess.StartReadyAsync(model, new Dictionary<string, string>
        {
            ["environment"] = "Development",
            ["HelpDesk:AdminPassword"] = "change-me-admin-password",
        });

        Assert.Contains(host.Output, l => l.Contains("HelpDesk:AdminPassword is a placeholder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_postgresql_connection_string_stops_the_host_naming_the_key()
    {
        var error = await StartFailureAsync(("Storage:Provider", "PostgreSql"), ("ConnectionStrings:SupportBot", "Host=db;Passwrd=secret"));

        Assert.Contains("ConnectionStrings:SupportBot", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_stops_the_host_naming_the_key()
    {
        var error = await StartFailureAsync(("Api:MaxRequestBodyBytes", "lots"));

        Assert.Contains("Api:MaxRequestBodyBytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_training_data_stops_the_host_with_the_loaders_message()
    {
        var copy = Directory.CreateTempSubdirectory("supportbot-web-tests-data-").FullName;
        try
        {
            TemporaryTrainingData.CopyDirectory(model.TrainingData.Root, copy);
            var platform = Path.Combine(copy, "knowledge-base", "platform.yaml");
            var yaml = File.ReadAllText(platform);
            var firstId = yaml.IndexOf("- id: ", StringComparison.Ordinal);
            File.WriteAllText(platform, yaml.Insert(firstId + "- id: ".Length, "Not A Slug "));

            var error = await StartFailureAsync(("Classifier:TrainingDataPath", copy));

            Assert.Contains("knowledge-base/platform.yaml: entry 'Not A Slug", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task On_start_the_host_says_where_its_web_chat_and_Emulator_endpoint_are()
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-start-").FullName;
        var start = HostProcess.StartInfo(model, folder, new Dictionary<string, string>());
        using var process = Process.Start(start)!;
        try
        {
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!lines.Any(l => l.Contains("Emulator endpoint:", StringComparison.Ordinal)))
            {
                lines.Add(await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"The host stopped: {string.Join('\n', lines)}"));
            }

            Assert.Contains(lines, l => l.Contains("Web chat: http://127.0.0.1:", StringComparison.Ordinal) && l.Contains("/embed.js", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Bot Framework Emulator endpoint: http://127.0.0.1:", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs the built host as <c>dotnet SupportBot.Web.dll</c> with the settings as arguments; returns what it printed when it refused to start.</summary>
    private async Task<string> StartFailureAsync(params (string Key, string Value)[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-start-").FullName;
        try
        {
            var start = HostProcess.StartInfo(model, folder, settings.ToDictionary(s => s.Key, s => s.Value));
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout + await stderr;

            Assert.True(process.ExitCode == 1, $"exit code {process.ExitCode}: {output}");
            Assert.Contains("SupportBot cannot start: ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            return output;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
