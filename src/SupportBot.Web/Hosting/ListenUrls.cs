namespace SupportBot.Web.Hosting;

/// <summary>
/// Where the host listens: <c>Urls</c> in appsettings.json (http://localhost:3978), overridden by
/// <c>ASPNETCORE_URLS</c>, overridden by <c>--urls</c>. The builder reads ASPNETCORE_-prefixed
/// variables before appsettings.json, so without this the file would win over the variable.
/// </summary>
public static class ListenUrls
{
    private const string Key = "urls";

    public static ConfigurationManager LetEnvironmentOverrideUrls(this ConfigurationManager configuration, string[] args)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(Key, fromEnvironment)]);
            configuration.AddCommandLine(args);
        }

        return configuration;
    }
}
