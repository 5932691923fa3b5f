using System.Text.Json;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Cli.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class TrainTests(TrainedModelFixture model)
{
    [Fact]
    public void Train_writes_a_model_under_ten_megabytes()
    {
        var size = new FileInfo(model.ModelPath).Length;

        Assert.InRange(size, 1, 10 * 1024 * 1024);
        Assert.Contains("Trained", model.Train.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_writes_the_metrics_file_beside_the_model()
    {
        var metricsPath = Path.ChangeExtension(model.ModelPath, ".metrics.json");

        using var metrics = JsonDocument.Parse(File.ReadAllText(metricsPath));
        var root = metrics.RootElement;
        Assert.Equal(ClassifierPipelines.DefaultName, root.GetProperty("pipeline").GetString());
        Assert.True(root.GetProperty("utterances").GetInt32() > 2000, metrics.RootElement.ToString());
        var kb = TrainingDataLoader.LoadKnowledgeBase(SupportBotProcess.RepositoryData);
        Assert.Equal(kb.Entries.Count + Intents.SmallTalk.Count + 1, root.GetProperty("intents").GetInt32());
        Assert.Equal(new FileInfo(model.ModelPath).Length, root.GetProperty("modelBytes").GetInt64());
        Assert.True(root.GetProperty("trainingSeconds").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("dataFingerprint").GetString()));
    }
}
