using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Knowledge;

/// <summary>Questions assigned on the admin dashboard land in review/dashboard.yaml, which training reads, never past the held-out rule.</summary>
public sealed class ReviewFileTests : IDisposable
{
    private readonly TrainingDataPaths _data;

    public ReviewFileTests()
    {
        var root = Directory.CreateTempSubdirectory("supportbot-review-tests-").FullName;
        foreach (var folder in new[] { "knowledge-base", "utterances", "held-out" })
        {
            var target = Directory.CreateDirectory(Path.Combine(root, folder)).FullName;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.TrainingData.Root, folder), "*.yaml"))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        _data = new TrainingDataPaths(root);
    }

    public void Dispose() => Directory.Delete(_data.Root, recursive: true);

    private IReadOnlyList<LabeledUtterance> Training() => TrainingDataLoader.LoadTraining(_data, TrainingDataLoader.LoadKnowledgeBase(_data));

    [Fact]
    public void Assigned_questions_are_written_under_their_entry_and_read_by_the_next_training()
    {
        var added = ReviewFile.Append(_data, "invalid-redirect-error", ["kakao says redirect uri mismatch: what now", "KOE006 after login"]);
        ReviewFile.Append(_data, Intents.OutOfScope, ["best pizza in pangyo"]);

        Assert.Equal(2, added.Count);
        var reviewed = Training().Where(u => u.Source == "review/dashboard.yaml").Select(u => (u.Text, u.Intent)).ToList();
        Assert.Equal(
            [("KOE006 after login", "invalid-redirect-error"), ("best pizza in pangyo", Intents.OutOfScope), ("kakao says redirect uri mismatch: what now", "invalid-redirect-error")],
            reviewed.OrderBy(r => r.Text, StringComparer.Ordinal));
        Assert.StartsWith("# Questions users asked", File.ReadAllText(ReviewFile.PathIn(_data)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_korean_question_is_written_to_the_korean_review_file()
    {
        ReviewFile.Append(_data, "invalid-redirect-error", ["리다이렉트 URI 오류가 계속 나요", "redirect uri mismatch after deploy"]);

        Assert.Contains("리다이렉트", File.ReadAllText(ReviewFile.KoreanPathIn(_data)), StringComparison.Ordinal);
        Assert.DoesNotContain("리다이렉트", File.ReadAllText(ReviewFile.PathIn(_data)), StringComparison.Ordinal);
        Assert.Contains(Training(), u => u.Source == "review/ko-dashboard.yaml" && u.Intent == "invalid-redirect-error");
    }

    [Fact]
    public void A_question_already_trained_under_the_same_entry_is_not_written_twice()
    {
        ReviewFile.Append(_data, "invalid-redirect-error", ["KOE006 after login"]);

        var again = ReviewFile.Append(_data, "invalid-redirect-error", ["koe006 after login!", "KOE006 AFTER LOGIN"]);

        Assert.Empty(again);
    }

    [Fact]
    public void A_held_out_question_is_refused_and_nothing_is_written()
    {
        var error = Assert.Throws<KnowledgeBaseException>(() => ReviewFile.Append(
            _data, "scraped-image-preview-not-updated", ["how do i clear the cached preview image for my url"]));

        Assert.Contains("held-out", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(ReviewFile.PathIn(_data)));
    }

    [Fact]
    public void A_question_trained_under_another_entry_or_an_unknown_entry_is_refused()
    {
        var other = Assert.Throws<KnowledgeBaseException>(() => ReviewFile.Append(_data, "invalid-redirect-error", ["login eror"]));
        var unknown = Assert.Throws<KnowledgeBaseException>(() => ReviewFile.Append(_data, "no-such-entry", ["anything"]));

        Assert.Contains("login-error-message", other.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-entry", unknown.Message, StringComparison.Ordinal);
    }
}
