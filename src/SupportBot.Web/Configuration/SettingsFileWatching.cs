using Microsoft.Extensions.FileProviders;

namespace SupportBot.Web.Configuration;

/// <summary>
/// Notices edits of the settings files (appsettings*.json, e.g. a log level) by checking their
/// timestamps every few seconds, instead of ASP.NET Core's default watch over the whole content root.
/// </summary>
/// <remarks>
/// The default watch is one recursive inotify watcher on the content root, where the SQLite
/// database, the model and the review folder live by default: every database write woke its thread,
/// about 8% of the host's CPU under the per-turn load (docs/performance.md). Polling looks at the
/// watched files only.
/// </remarks>
public static class SettingsFileWatching
{
    public static ConfigurationManager WatchSettingsFilesByPolling(this ConfigurationManager configuration)
    {
        var replaced = new Dictionary<string, PhysicalFileProvider>(StringComparer.Ordinal);
        var watching = new List<PhysicalFileProvider>();
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not FileConfigurationSource { ReloadOnChange: true, FileProvider: PhysicalFileProvider { UsePollingFileWatcher: false } watched } file)
            {
                continue;
            }

            if (!replaced.TryGetValue(watched.Root, out var polling))
            {
                polling = Polling(watched.Root);
                replaced.Add(watched.Root, polling);
            }

            watching.Add(watched);
            file.FileProvider = polling;

            // Setting the source again makes the manager rebuild its providers, which then watch through the polling one.
            sources[i] = file;
        }

        if (configuration.GetFileProvider() is PhysicalFileProvider { UsePollingFileWatcher: false } builderDefault)
        {
            watching.Add(builderDefault);
            configuration.SetFileProvider(replaced.GetValueOrDefault(builderDefault.Root) ?? Polling(builderDefault.Root));
        }

        // Their watchers stay enabled while any token they handed out lives; nothing uses them any more.
        foreach (var provider in watching.Distinct())
        {
            provider.Dispose();
        }

        return configuration;
    }

    private static PhysicalFileProvider Polling(string root) =>
        new(root) { UsePollingFileWatcher = true, UseActivePolling = true };
}
