namespace SupportBot.Cli.Tests;

/// <summary>
/// A copy of training-data/ with one file broken: the command exits 1 and names the file, and no
/// model is written.
/// </summary>
public sealed class BrokenTrainingDataTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _data;

    public BrokenTrainingDataTests()
    {
        _data = Path.Combine(_folder.Path, "training-data");
        var source = SupportBotProcess.RepositoryData.Root;
        foreach (var file in Directory.EnumerateFiles(source, "*.yaml", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_data, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_duplicate_id_names_both_files()
    {
        File.AppendAllText(Data("knowledge-base/kakao-sdk.yaml"), """
              - id: invalid-redirect-error
                question: A second entry with a taken id.
                answer: Any answer.

            """);

        var run = Train();

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("duplicate id", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("knowledge-base/kakao-sdk.yaml", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("knowledge-base/kakao-login.yaml", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(ModelPath));
    }

    [Fact]
    public void An_unknown_related_id_names_the_file_the_entry_and_the_id()
    {
        Replace("knowledge-base/kakao-login.yaml", "related: [login-error-message]", "related: [no-such-entry]");

        var run = Train();

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(
            "knowledge-base/kakao-login.yaml: entry 'invalid-redirect-error': related id 'no-such-entry' is not an entry.",
            run.Stderr,
            StringComparison.Ordinal);
        Assert.False(File.Exists(ModelPath));
    }

    [Fact]
    public void Invalid_yaml_names_the_file_and_the_line()
    {
        File.AppendAllText(Data("utterances/kakao-sync.yaml"), "  change-app-owner: [unclosed, list\n");

        var run = Train();

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Matches(@"utterances/kakao-sync\.yaml:\d+:", run.Stderr);
        Assert.False(File.Exists(ModelPath));
    }

    private string ModelPath => _folder.File("model.zip");

    private string Data(string relativePath) => Path.Combine(_data, relativePath);

    private CliRun Train() => SupportBotProcess.Run(["train", "--data", _data, "--model", ModelPath]);

    private void Replace(string relativePath, string oldText, string newText)
    {
        var text = File.ReadAllText(Data(relativePath));
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        File.WriteAllText(Data(relativePath), text.Replace(oldText, newText, StringComparison.Ordinal));
    }
}
