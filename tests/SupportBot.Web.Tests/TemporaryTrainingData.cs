using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Tests;

/// <summary>A copy of the repository's training data in a temporary folder, for tests that change it (the dashboard's review file, broken data).</summary>
public sealed class TemporaryTrainingData : IDisposable
{
    public TemporaryTrainingData(TrainingDataPaths source)
    {
        Root = Directory.CreateTempSubdirectory("supportbot-web-tests-data-").FullName;
        CopyDirectory(source.Root, Root);
        Paths = new TrainingDataPaths(Root);
    }

    public string Root { get; }

    public TrainingDataPaths Paths { get; }

    public static void CopyDirectory(string source, string destination)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
