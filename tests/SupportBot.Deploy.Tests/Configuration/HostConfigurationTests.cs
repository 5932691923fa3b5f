namespace SupportBot.Deploy.Tests.Configuration;

/// <summary>The key list the other tests check against is the host's, not a copy that drifts.</summary>
public sealed class HostConfigurationTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_options_class_of_the_host_contributes_its_keys()
    {
        var sections = HostConfiguration.OptionsTypes().Select(t => t.Section).ToList();
        foreach (var entry in HostConfiguration.Entries)
        {
            output.WriteLine($"{entry.Key} = '{entry.Default}' ({entry.EnvironmentVariable})");
        }

        Assert.Contains("Storage", sections);
        Assert.Contains("Classifier:Decision", sections);
        Assert.Equal("Sqlite", HostConfiguration.ForKey("Storage:Provider")?.Default);
        Assert.Equal("00:00:10", HostConfiguration.ForKey("HelpDesk:Webhook:FirstRetryDelay")?.Default);
        Assert.Equal("0.45", HostConfiguration.ForKey("Classifier:Decision:AnswerThreshold")?.Default);
    }

    [Fact]
    public void Environment_variables_map_to_keys_with_list_indexes_and_aspnetcore_names()
    {
        Assert.Equal("HelpDesk:ApiKeys:{n}:Key", HostConfiguration.ForEnvironmentVariable("HelpDesk__ApiKeys__3__Key")?.Key);
        Assert.Equal("WebChat:AllowedOrigins:{n}", HostConfiguration.ForEnvironmentVariable("WebChat__AllowedOrigins__0")?.Key);
        Assert.Equal("Urls", HostConfiguration.ForEnvironmentVariable("ASPNETCORE_URLS")?.Key);
        Assert.Equal("ConnectionStrings:SupportBot", HostConfiguration.ForEnvironmentVariable("ConnectionStrings__SupportBot")?.Key);
        Assert.Null(HostConfiguration.ForEnvironmentVariable("Storage__Sqlite__Folder"));
        Assert.Null(HostConfiguration.ForEnvironmentVariable("DirectLine__Secrets"));
    }
}
