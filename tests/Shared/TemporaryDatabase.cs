using Microsoft.Data.Sqlite;

namespace SupportBot.Testing;

/// <summary>A database path in a fresh temporary folder, removed with its -wal and -shm files on dispose.</summary>
public sealed class TemporaryDatabase : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("supportbot-storage-");

    public string Path => System.IO.Path.Combine(_directory.FullName, "supportbot.db");

    /// <summary>Closes every pooled SQLite connection, as the end of the process would.</summary>
    public static void CloseAllConnections() => SqliteConnection.ClearAllPools();

    public void Dispose()
    {
        CloseAllConnections();
        _directory.Delete(recursive: true);
    }
}
