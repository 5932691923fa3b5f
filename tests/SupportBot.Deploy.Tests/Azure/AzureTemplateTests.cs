using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SupportBot.Deploy.Tests.Compose;
using SupportBot.Deploy.Tests.Configuration;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Health;

namespace SupportBot.Deploy.Tests.Azure;

/// <summary>
/// deploy/azure: main.bicep compiled by the Bicep CLI (from NuGet; it checks every resource type and
/// property against Azure's API definitions), the committed ARM JSON being exactly its output, and
/// the app's settings being the host's configuration keys with secrets from Key Vault.
/// </summary>
public sealed partial class AzureTemplateTests
{
    // App Service's own settings, read by the platform rather than the host.
    private static readonly string[] PlatformSettings = ["WEBSITES_PORT", "WEBSITES_ENABLE_APP_SERVICE_STORAGE"];

    private static readonly JsonNode Template = JsonNode.Parse(Repository.Read("deploy", "azure", "azuredeploy.json"))!;

    [Fact]
    public async Task Bicep_compiles_without_a_warning_into_the_committed_arm_template()
    {
        var bicep = BicepCli();
        var output = Path.Combine(Path.GetTempPath(), $"supportbot-azuredeploy-{Guid.NewGuid():N}.json");
        try
        {
            var build = await Processes.RunAsync(bicep, ["build", Repository.PathOf("deploy", "azure", "main.bicep"), "--outfile", output], TimeSpan.FromMinutes(2));
            Assert.True(build.Succeeded, $"bicep build failed:\n{build.Output}");
            Assert.True(build.Output.Trim().Length == 0, $"bicep build reported:\n{build.Output}");
            Assert.True(
                (await File.ReadAllTextAsync(output)).ReplaceLineEndings() == Repository.Read("deploy", "azure", "azuredeploy.json").ReplaceLineEndings(),
                "deploy/azure/azuredeploy.json is not the output of main.bicep: run `bicep build deploy/azure/main.bicep --outfile deploy/azure/azuredeploy.json`");
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void App_settings_are_host_keys_and_secrets_are_key_vault_references()
    {
        var settings = Site()["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .Select(s => (Name: (string)s!["name"]!, Value: (string)s["value"]!))
            .ToList();

        var unknown = settings.Where(s => !PlatformSettings.Contains(s.Name) && HostConfiguration.ForEnvironmentVariable(s.Name) is null).ToList();
        Assert.True(unknown.Count == 0, $"app settings the host does not read: {string.Join(", ", unknown.Select(s => s.Name))}");

        foreach (var (name, value) in settings.Where(s => ComposeTests.IsSecret(s.Name)))
        {
            Assert.Matches(KeyVaultReference(), value);
        }

        var port = settings.Single(s => s.Name == "WEBSITES_PORT").Value;
        Assert.Equal(DeployFiles.ImagePort.ToString(System.Globalization.CultureInfo.InvariantCulture), port);
        Assert.Equal("PostgreSql", settings.Single(s => s.Name == "Storage__Provider").Value);
    }

    [Fact]
    public void Every_key_vault_reference_names_a_secret_the_template_creates_and_the_app_may_read()
    {
        var secrets = Resources("Microsoft.KeyVault/vaults/secrets")
            .Select(r => SecretName().Match((string)r["name"]!).Groups["secret"].Value)
            .ToHashSet();
        var referenced = Site()["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .Select(s => KeyVaultReference().Match((string)s!["value"]!))
            .Where(m => m.Success)
            .Select(m => m.Groups["secret"].Value)
            .ToList();

        Assert.NotEmpty(referenced);
        Assert.All(referenced, name => Assert.Contains(name, secrets));
        Assert.Equal("SystemAssigned", (string)Site()["identity"]!["type"]!);
        var role = Assert.Single(Resources("Microsoft.Authorization/roleAssignments"));
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", Template["variables"]!["keyVaultSecretsUser"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("keyVaultSecretsUser", (string)role["properties"]!["roleDefinitionId"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Bot_posts_to_the_app_messages_endpoint_with_direct_line_and_web_chat_channels()
    {
        var bot = Assert.Single(Resources("Microsoft.BotService/botServices"));
        Assert.StartsWith($"[format('https://{{0}}{BotMessagesEndpoint.Route}', reference(resourceId('Microsoft.Web/sites',", (string)bot["properties"]!["endpoint"]!, StringComparison.Ordinal);
        Assert.Contains("parameters('microsoftAppId')", (string)bot["properties"]!["msaAppId"]!, StringComparison.Ordinal);

        var channels = Resources("Microsoft.BotService/botServices/channels").Select(c => (string)c["properties"]!["channelName"]!).Order();
        Assert.Equal(["DirectLineChannel", "WebChatChannel"], channels);

        var site = Site()["properties"]!["siteConfig"]!;
        Assert.True((bool)site["webSocketsEnabled"]!, "Direct Line streams are WebSockets");
        Assert.Equal(HealthEndpoints.Readiness, (string)site["healthCheckPath"]!);
        Assert.Single(Resources("Microsoft.DBforPostgreSQL/flexibleServers"));
    }

    private static JsonNode Site() => Assert.Single(Resources("Microsoft.Web/sites"));

    private static IEnumerable<JsonNode> Resources(string type) =>
        Template["resources"]!.AsArray().OfType<JsonNode>().Where(r => (string)r["type"]! == type);

    private static string BicepCli()
    {
        var path = typeof(AzureTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;
        Assert.True(File.Exists(path), $"The Bicep CLI is not at {path}: restore the test project");

        // NuGet does not keep the executable bit when it extracts a package.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    [GeneratedRegex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}(?<secret>[a-z-]+)/\)', variables\('secretUri'\)\)\]$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"'(?<secret>[a-z-]+)'\)\]$")]
    private static partial Regex SecretName();
}
