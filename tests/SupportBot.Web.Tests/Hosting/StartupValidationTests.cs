namespace SupportBot.Web.Tests.Hosting;

/// <summary>
/// A bad setting or invalid training data stops the host at start, with a message that says what
/// to fix. These run the host's entry point itself, as <c>dotnet run</c> does: when the start fails
/// very early, WebApplicationFactory can report an ObjectDisposedException instead of the failure.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class StartupValidationTests(TrainedModelFixture model)
{
    [Theory]
    [InlineData("Storage:Provider", "Cosmos", "Storage:Provider")]
    [InlineData("Storage:Sqlite:Path", " ", "Storage:Sqlite:Path")]
    [InlineData("Classifier:Decision:AnswerThreshold", "1.5", "Classifier:Decision:AnswerThreshold")]
    [InlineData("Classifier:Decision:MaxCandidates", "9", "Classifier:Decision:MaxCandidates")]
    [InlineData("Classifier:TrainingDataPath", "/no/such/training-data", "Classifier:TrainingDataPath")]
    [InlineData("Classifier:FirstModelTimeout", "00:00:00", "Classifier:FirstModelTimeout")]
    [InlineData("Api:MaxRequestBodyBytes", "0", "Api:MaxRequestBodyBytes")]
    public async Task A_bad_setting_stops_the_host_naming_the_key(string key, string value, string named)
    {
        var error = await StartFailureAsync((key, value));

        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_stops_the_host_naming_the_key()
    {
        var error = await StartFailureAsync(("Api:MaxRequestBodyBytes", "lots"));

        Assert.Contains("Api:MaxRequestBodyBytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_training_data_stops_the_host_with_the_loaders_message()
    {
        var copy = Directory.CreateTempSubdirectory("supportbot-web-tests-data-").FullName;
        try
        {
            CopyDirectory(model.TrainingData.Root, copy);
            var platform = Path.Combine(copy, "knowledge-base", "platform.yaml");
            var yaml = File.ReadAllText(platform);
            var firstId = yaml.IndexOf("- id: ", StringComparison.Ordinal);
            File.WriteAllText(platform, yaml.Insert(firstId + "- id: ".Length, "Not A Slug "));

            var error = await StartFailureAsync(("Classifier:TrainingDataPath", copy));

            Assert.Contains("knowledge-base/platform.yaml: entry 'Not A Slug", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>Runs the host's entry point with the settings as command-line arguments; returns the messages of the failure that stopped it.</summary>
    private async Task<string> StartFailureAsync(params (string Key, string Value)[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("supportbot-web-tests-start-").FullName;
        try
        {
            var args = new Dictionary<string, string>
            {
                ["contentRoot"] = Path.Combine(Path.GetDirectoryName(model.TrainingData.Root)!, "src", "SupportBot.Web"),
                ["urls"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "None",
                ["Classifier:ModelPath"] = model.ModelPath,
                ["Storage:Sqlite:Path"] = Path.Combine(folder, "supportbot.db"),
            };
            foreach (var (key, value) in settings)
            {
                args[key] = value;
            }

            var entryPoint = typeof(Program).Assembly.EntryPoint!;
            var run = Task.Run(() => entryPoint.Invoke(null, [args.Select(a => $"--{a.Key}={a.Value}").ToArray()]));
            var error = await Record.ExceptionAsync(() => run.WaitAsync(TimeSpan.FromSeconds(60)));

            Assert.NotNull(error);
            Assert.IsNotType<TimeoutException>(error);
            return AllMessages(error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string AllMessages(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(AllMessages));
            }
        }

        return string.Join(Environment.NewLine, messages);
    }

    private static void CopyDirectory(string source, string destination)
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
}
