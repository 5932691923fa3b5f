namespace SupportBot.Deploy.Tests.Infrastructure;

/// <summary>Files of the checkout the tests run from (found by SupportBot.sln above the test binaries).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SupportBot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"SupportBot.sln not found above {AppContext.BaseDirectory}");
    }
}
