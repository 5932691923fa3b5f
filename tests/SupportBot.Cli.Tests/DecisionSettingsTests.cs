namespace SupportBot.Cli.Tests;

/// <summary><c>ask</c> decides with the web host's <c>Classifier:Decision</c>: its appsettings.json, a <c>--settings</c> file, or environment variables.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class DecisionSettingsTests(TrainedModelFixture model)
{
    private static readonly string[] Questions =
        ["keyhash mismatch android", "consent items", "user info missing", "retry login", "logout fails", "hello", "what is the best pizza topping"];

    [Fact]
    public void An_answer_threshold_in_the_environment_turns_the_less_sure_answers_into_questions_back()
    {
        var defaults = Outcomes(environment: null);
        var strict = Outcomes(new Dictionary<string, string> { ["Classifier__Decision__AnswerThreshold"] = "0.99" });

        AssertOnlyAnswersBecameClarifications(defaults, strict);
    }

    [Fact]
    public void A_settings_file_sets_the_thresholds_as_the_hosts_appsettings_does()
    {
        using var folder = new TempFolder();
        var settings = folder.File("appsettings.json");
        File.WriteAllText(settings, """{"Classifier": {"Decision": {"AnswerThreshold": 0.99}}}""");

        var defaults = Outcomes(environment: null);
        var strict = Outcomes(environment: null, "--settings", settings);

        AssertOnlyAnswersBecameClarifications(defaults, strict);
    }

    [Fact]
    public void A_threshold_out_of_range_stops_with_the_setting_named()
    {
        var run = SupportBotProcess.Run(
            ["ask", .. model.Options, "logout fails"],
            environment: new Dictionary<string, string> { ["Classifier__Decision__AnswerThreshold"] = "2" });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("invalid settings", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("AnswerThreshold", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.StdoutLines);
    }

    [Fact]
    public void A_settings_file_that_does_not_exist_is_a_usage_error()
    {
        var run = model.Run("ask", "--settings", Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json"), "logout fails");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("does not exist", run.Stderr, StringComparison.Ordinal);
    }

    private static void AssertOnlyAnswersBecameClarifications(IReadOnlyList<string> defaults, IReadOnlyList<string> strict)
    {
        var changed = Enumerable.Range(0, Questions.Length).Where(i => defaults[i] != strict[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.Equal(("answer", "clarify"), (defaults[i], strict[i])));
    }

    private IReadOnlyList<string> Outcomes(IReadOnlyDictionary<string, string>? environment, params string[] options)
    {
        var run = SupportBotProcess.Run(["ask", .. options, .. model.Options], string.Join('\n', Questions) + "\n", environment: environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdoutLines.Select(line => AnswerJson.Parse(line).GetProperty("outcome").GetString()!).ToList();
    }
}
