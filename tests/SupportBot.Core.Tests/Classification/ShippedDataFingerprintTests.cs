using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Classification;

/// <summary>The fingerprint that ties a shared model to a release's training data: the dashboard's review/ folder is not part of it.</summary>
public sealed class ShippedDataFingerprintTests : IDisposable
{
    private readonly TrainingDataPaths _data = new(Directory.CreateTempSubdirectory("supportbot-fingerprint-").FullName);

    public ShippedDataFingerprintTests()
    {
        Directory.CreateDirectory(_data.KnowledgeBase);
        Directory.CreateDirectory(_data.Utterances);
        File.WriteAllText(Path.Combine(_data.KnowledgeBase, "faq.yaml"), "entries: []\n");
        File.WriteAllText(Path.Combine(_data.Utterances, "login.yaml"), "intents:\n  login:\n    - how do I log in\n");
    }

    public void Dispose() => Directory.Delete(_data.Root, recursive: true);

    [Fact]
    public void Assignments_written_to_review_leave_the_fingerprint_as_shipped()
    {
        var shipped = IntentModelFile.ShippedDataFingerprint(_data);
        Directory.CreateDirectory(_data.Review);
        File.WriteAllText(Path.Combine(_data.Review, ReviewFile.FileName), "intents:\n  login:\n    - sign in please\n");

        Assert.Equal(shipped, IntentModelFile.ShippedDataFingerprint(_data));
        Assert.Equal(64, shipped.Length);
    }

    [Fact]
    public void A_release_with_changed_added_or_renamed_training_files_has_another_fingerprint()
    {
        var shipped = IntentModelFile.ShippedDataFingerprint(_data);

        File.AppendAllText(Path.Combine(_data.Utterances, "login.yaml"), "    - log me in\n");
        var changed = IntentModelFile.ShippedDataFingerprint(_data);
        File.WriteAllText(Path.Combine(_data.HeldOut + ".yaml"), "a file beside the folders\n");
        var added = IntentModelFile.ShippedDataFingerprint(_data);
        File.Move(Path.Combine(_data.Utterances, "login.yaml"), Path.Combine(_data.Utterances, "sign-in.yaml"));
        var renamed = IntentModelFile.ShippedDataFingerprint(_data);

        Assert.Equal(4, new[] { shipped, changed, added, renamed }.Distinct().Count());
    }
}
