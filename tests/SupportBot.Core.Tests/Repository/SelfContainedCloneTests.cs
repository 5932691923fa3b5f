using System.Text.RegularExpressions;

namespace SupportBot.Core.Tests.Repository;

/// <summary>The clone is the whole project: no file of it reads or links to a path outside it.</summary>
public sealed partial class SelfContainedCloneTests
{
    // What the build, the tests and the host write into the tree, never part of the project.
    private static readonly string[] GeneratedFolders =
        [".git", "bin", "obj", "node_modules", "TestResults", "BenchmarkDotNet.Artifacts", "artifacts", "models", "data", "lib"];

    [Fact]
    public void Every_relative_path_stays_inside_the_clone()
    {
        var escapes = ProjectFiles()
            .SelectMany(file => ParentRuns().Matches(File.ReadAllText(file))
                .Where(run => !Inside(Path.Combine(Path.GetDirectoryName(file)!, run.Value)))
                .Select(run => $"{Relative(file)}: {run.Value}"))
            .ToList();

        Assert.True(escapes.Count == 0, "Relative paths that climb out of the clone:\n" + string.Join('\n', escapes));
    }

    [Fact]
    public void No_file_names_a_folder_beside_the_clone_or_on_one_machine()
    {
        var mentions = ProjectFiles()
            .SelectMany(file => File.ReadLines(file)
                .Select((line, index) => (line, number: index + 1))
                .Where(l => OutsideReferences().IsMatch(l.line))
                .Select(l => $"{Relative(file)}:{l.number}: {l.line.Trim()}"))
            .ToList();

        Assert.True(mentions.Count == 0, "Lines that refer to a path outside the clone:\n" + string.Join('\n', mentions));
    }

    [Fact]
    public void The_kakao_faq_source_text_is_in_the_repository()
    {
        Assert.StartsWith(RepositoryPaths.Root, RepositoryPaths.SeedFaq, StringComparison.Ordinal);
        Assert.Contains(File.ReadLines(RepositoryPaths.SeedFaq), line => line.StartsWith("Q. ", StringComparison.Ordinal));
    }

    private static IEnumerable<string> ProjectFiles() =>
        Files(RepositoryPaths.Root).Where(IsText);

    // A worktree's ".git" is a file naming the main checkout's folder: git's, not the project's.
    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder).Where(file => Path.GetFileName(file) != ".git").Concat(Directory.EnumerateDirectories(folder)
            .Where(sub => !GeneratedFolders.Contains(Path.GetFileName(sub)))
            .SelectMany(Files));

    private static bool IsText(string file)
    {
        Span<byte> start = stackalloc byte[4096];
        using var stream = File.OpenRead(file);
        var read = stream.Read(start);
        return !start[..read].Contains((byte)0);
    }

    private static bool Inside(string path) =>
        (Path.GetFullPath(path) + Path.DirectorySeparatorChar).StartsWith(RepositoryPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Relative(string file) => Path.GetRelativePath(RepositoryPaths.Root, file);

    // A path that starts by climbing: "../x", "../../src/y" (not "$root/../x", which the rule below catches by name).
    [GeneratedRegex(@"(?<![\w.\-/$])(?:\.\./)+")]
    private static partial Regex ParentRuns();

    // The CI machine's sibling folders, a machine's own absolute paths, and a parent-folder part built in code.
    [GeneratedRegex(@"\bshared[/\\](seed|docs|bench|hooks)\b|(?<![\w.])/(wor[k]|hom[e]|roo[t])/|""\.\.""|/\.\./shared")]
    private static partial Regex OutsideReferences();
}
