namespace SupportBot.Cli.Tests;

/// <summary>Bad usage exits 2 and says why on standard error, before any data or model is read.</summary>
public sealed class UsageTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("ask --top abc logout", "--top must be a whole number")]
    [InlineData("ask --top 0 logout", "--top must be a whole number")]
    [InlineData("frobnicate", "Unknown command 'frobnicate'")]
    [InlineData("train --pipeline nope", "Unknown pipeline 'nope'")]
    [InlineData("compare --pipeline nope", "Unknown pipeline 'nope'")]
    [InlineData("ask --locale fr logout", "--locale must be an English or Korean locale")]
    [InlineData("train --languages both", "--languages must be per-language or shared")]
    public void Bad_usage_exits_2_with_a_message_on_standard_error(string args, string message)
    {
        var modelPath = _folder.File("model.zip");

        var run = SupportBotProcess.Run([.. args.Split(' '), "--data", SupportBotProcess.RepositoryData.Root, "--model", modelPath]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.False(File.Exists(modelPath), "bad usage must not train a model");
    }

    [Fact]
    public void Bad_usage_outside_a_checkout_is_still_reported_as_bad_usage()
    {
        var run = SupportBotProcess.Run(["frobnicate"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Unknown command 'frobnicate'", run.Stderr, StringComparison.Ordinal);
    }
}
