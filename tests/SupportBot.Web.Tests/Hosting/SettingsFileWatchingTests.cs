using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Tests.Hosting;

/// <summary>
/// The settings files are still read again when edited, but by polling their timestamps: no
/// watcher over the content root, where the database's every write would wake it.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class SettingsFileWatchingTests(TrainedModelFixture model)
{
    [Fact]
    public async Task The_host_sets_no_inotify_watch_on_its_content_root()
    {
        await using var host = await HostProcess.StartReadyAsync(model, new Dictionary<string, string>());
        var contentRoot = Path.Combine(Path.GetDirectoryName(model.TrainingData.Root)!, "src", "SupportBot.Web");

        var watched = InotifyWatchedInodes(host.Id);

        // The model's folder is watched (retrained models are loaded), not the folder the database writes under.
        Assert.Contains(await InodeAsync(Path.GetDirectoryName(model.ModelPath)!), watched);
        Assert.DoesNotContain(await InodeAsync(contentRoot), watched);
    }

    /// <summary>The inodes a process's inotify instances watch, from /proc (the "ino:" of each "inotify wd:" line, in hexadecimal).</summary>
    private static List<long> InotifyWatchedInodes(int processId) =>
        [.. Directory.EnumerateFiles($"/proc/{processId}/fdinfo")
            .SelectMany(ReadLinesOrNone)
            .Where(line => line.StartsWith("inotify wd:", StringComparison.Ordinal))
            .Select(line => line.Split(' ').Single(part => part.StartsWith("ino:", StringComparison.Ordinal))["ino:".Length..])
            .Select(hex => Convert.ToInt64(hex, 16))];

    // A descriptor may close while the folder is read.
    private static IEnumerable<string> ReadLinesOrNone(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static async Task<long> InodeAsync(string path)
    {
        var stat = new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(stat)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task An_edited_settings_file_is_read_again()
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-settings-");
        try
        {
            var file = Path.Combine(folder.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, """{ "Logging": { "LogLevel": { "Default": "Information" } } }""");
            var configuration = new ConfigurationManager();
            configuration.SetBasePath(folder.FullName);
            configuration.AddJsonFile("appsettings.json", optional: false, reloadOnChange: true);

            configuration.WatchSettingsFilesByPolling();
            var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = ChangeToken.OnChange(((IConfiguration)configuration).GetReloadToken, () => reloaded.TrySetResult());

            // Polling compares timestamps: make the edit's differ from the original's.
            await File.WriteAllTextAsync(file, """{ "Logging": { "LogLevel": { "Default": "Warning" } } }""");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal("Warning", configuration["Logging:LogLevel:Default"]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
