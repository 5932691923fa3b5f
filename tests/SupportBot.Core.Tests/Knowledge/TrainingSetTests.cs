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
    public void Every_entry_has_at_least_ten_korean_training_utterances_with_korean_small_talk_and_100_out_of_scope()
    {
        var korean = Training.Where(u => Language.IsKorean(u.Text)).ToList();
        var counts = korean.GroupBy(u => u.Intent).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(Kb.Entries, e => Assert.True(counts.GetValueOrDefault(e.Id) >= 10, $"{e.Id}: {counts.GetValueOrDefault(e.Id)} Korean training utterances"));
        Assert.All(Intents.SmallTalk, id => Assert.True(counts.GetValueOrDefault(id) >= 10, $"{id}: {counts.GetValueOrDefault(id)}"));
        Assert.True(counts[Intents.OutOfScope] >= 100, $"Korean out-of-scope: {counts[Intents.OutOfScope]}");
        Assert.Contains(new LabeledUtterance("안녕하세요", Intents.Greeting, "utterances/ko-small-talk.yaml"), korean);
        Assert.Contains(new LabeledUtterance("감사합니다", Intents.Thanks, "utterances/ko-small-talk.yaml"), korean);
        Assert.Contains(new LabeledUtterance("상담원 연결해 주세요", Intents.HumanAgent, "utterances/ko-small-talk.yaml"), korean);
        Assert.Contains(new LabeledUtterance("도움말", Intents.Help, "utterances/ko-small-talk.yaml"), korean);
    }

    [Fact]
    public void The_korean_held_out_set_covers_every_entry_at_least_three_times_and_30_out_of_scope()
    {
        var counts = HeldOut.Where(u => Language.IsKorean(u.Text)).GroupBy(u => u.Intent).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(Kb.Entries, e => Assert.True(counts.GetValueOrDefault(e.Id) >= 3, $"{e.Id}: {counts.GetValueOrDefault(e.Id)} Korean held-out utterances"));
        Assert.True(counts[Intents.OutOfScope] >= 30, $"Korean out-of-scope: {counts[Intents.OutOfScope]}");
    }

    [Fact]
    public void The_korean_files_hold_only_korean_and_the_english_files_only_english()
    {
        // The classifier picks its model by Hangul in the text: a line in the wrong file would be
        // trained into one model and measured against the other.
        var all = Training.Concat(HeldOut).Where(u => !u.Source.StartsWith("knowledge-base", StringComparison.Ordinal));

        var misplaced = all.Where(u => Language.IsKorean(u.Text) != Path.GetFileName(u.Source).StartsWith("ko-", StringComparison.Ordinal))
            .Select(u => $"{u.Source}: {u.Text}").ToList();

        Assert.Empty(misplaced);
    }

    [Theory]
    [InlineData(Language.English)]
    [InlineData(Language.Korean)]
    public void No_held_out_utterance_is_in_training_even_after_normalisation(string language)
    {
        var training = Training.Select(u => TextNormalizer.Normalize(u.Text)).ToHashSet();
        var heldOut = HeldOut.Where(u => Language.Of(u.Text) == language).ToList();

        var leaked = heldOut.Where(u => training.Contains(TextNormalizer.Normalize(u.Text))).Select(u => u.Text).ToList();

        Assert.NotEmpty(heldOut);
        Assert.Empty(leaked);
    }

    [Fact]
    public void Training_never_reads_the_held_out_folder()
    {
        Assert.DoesNotContain(Training, u => u.Source.StartsWith("held-out", StringComparison.Ordinal));
    }
}
