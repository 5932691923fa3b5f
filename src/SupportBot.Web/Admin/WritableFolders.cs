namespace SupportBot.Web.Admin;

/// <summary>
/// What the dashboard's writes (the review file, a retrained model) say when the disk refuses them
/// (a read-only image, a folder the app user does not own, a full volume): a 503 ProblemDetails
/// naming the folder and the setting to change, never a 500.
/// </summary>
public static class WritableFolders
{
    /// <summary>Whether an exception is the file system refusing a write.</summary>
    public static bool IsWriteFailure(Exception exception) => exception is IOException or UnauthorizedAccessException;

    /// <summary>Null when a file can be created in <paramref name="folder"/> (created when missing), else why not.</summary>
    public static string? Check(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            return ex.Message;
        }
    }

    /// <summary>The problem a refused write answers with.</summary>
    public static string Detail(string what, string folder, string setting, string reason) =>
        $"Could not write {what} in '{folder}' ({reason}). Set {setting} to a folder on a writable volume (the container's /app/data).";
}
