namespace SupportBot.Cli.Tests;

/// <summary>Not in the trained-model collection: it trains its own model, alongside the others.</summary>
public sealed class AskWithoutModelTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Ask_with_no_model_trains_one_first_and_still_prints_only_the_answer()
    {
        var modelPath = Path.Combine(_folder.Path, "not-yet", "model.zip");

        var run = SupportBotProcess.Run(
            ["ask", "cannot log out", "--data", SupportBotProcess.RepositoryData.Root, "--model", modelPath],
            timeout: TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(modelPath), run.ToString());
        Assert.True(File.Exists(Path.ChangeExtension(modelPath, ".metrics.json")), run.ToString());
        Assert.Contains("No model at", run.Stderr, StringComparison.Ordinal);
        var answer = AnswerJson.Parse(Assert.Single(run.StdoutLines));
        Assert.Equal("cannot log out", answer.Text("query"));
        Assert.NotEmpty(answer.Matches());
    }
}
