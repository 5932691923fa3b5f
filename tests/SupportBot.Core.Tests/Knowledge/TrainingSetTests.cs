using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;

namespace SupportBot.Core.Tests.Knowledge;

public sealed class TrainingSetTests
{
    private static readonly KnowledgeBase Kb = TrainingDataLoader.LoadKnowledgeBase(RepositoryPaths.TrainingData);
    private static readonly IReadOnlyList<LabeledUtterance> Training = TrainingDataLoader.LoadTraining(RepositoryPaths.TrainingData, Kb);
    private static readonly IReadOnlyList<LabeledUtterance> HeldOut = TrainingDataLoader.LoadUtterances(RepositoryPaths.TrainingData.HeldOut, Kb);

    [Fact]
    public void Every_entry_has_at_least_twenty_training_utterances_besides_its_question()
    {
        var counts = Training.Where(u => !u.Source.StartsWith("knowledge-base", StringComparison.Ordinal))
            .GroupBy(u => u.Intent).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(Kb.Entries, e => Assert.True(counts.GetValueOrDefault(e.Id) >= 20, $"{e.Id}: {counts.GetValueOrDefault(e.Id)} training utterances"));
        Assert.All(Intents.SmallTalk, id => Assert.True(counts.GetValueOrDefault(id) >= 20, $"{id}: {counts.GetValueOrDefault(id)}"));
        Assert.True(counts[Intents.OutOfScope] >= 200, $"out-of-scope: {counts[Intents.OutOfScope]}");
    }

    [Fact]
    public void The_held_out_set_covers_every_entry_and_out_of_scope()
    {
        var counts = HeldOut.GroupBy(u => u.Intent).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(Kb.Entries, e => Assert.True(counts.GetValueOrDefault(e.Id) >= 5, $"{e.Id}: {counts.GetValueOrDefault(e.Id)} held-out utterances"));
        Assert.True(counts[Intents.OutOfScope] >= 60, $"out-of-scope: {counts[Intents.OutOfScope]}");
    }

    [Fact]
    public void No_held_out_utterance_is_in_training_even_after_normalisation()
    {
        var training = Training.Select(u => TextNormalizer.Normalize(u.Text)).ToHashSet();

        var leaked = HeldOut.Where(u => training.Contains(TextNormalizer.Normalize(u.Text))).Select(u => u.Text).ToList();

        Assert.Empty(leaked);
    }

    [Fact]
    public void Training_never_reads_the_held_out_folder()
    {
        Assert.DoesNotContain(Training, u => u.Source.StartsWith("held-out", StringComparison.Ordinal));
    }
}
