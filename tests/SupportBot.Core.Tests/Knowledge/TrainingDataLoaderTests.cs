using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Knowledge;

public sealed class TrainingDataLoaderTests : IDisposable
{
    private readonly TrainingDataPaths _paths;

    public TrainingDataLoaderTests()
    {
        _paths = new TrainingDataPaths(Path.Combine(Path.GetTempPath(), $"supportbot-data-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(_paths.KnowledgeBase);
        Directory.CreateDirectory(_paths.Utterances);
        Directory.CreateDirectory(_paths.HeldOut);
        File.WriteAllText(_paths.SmallTalkFile, """
            intents:
              - { id: greeting, reply: Hello! }
              - { id: thanks, reply: You're welcome. }
              - { id: goodbye, reply: Bye. }
              - { id: help, reply: Ask me about Kakao Login. }
              - { id: human-agent, reply: I can hand you over. }
            """);
        WriteCategory("""
            - id: logout
              question: I cannot log out.
              answer: Check the token.
              related: [redirect]
            - id: redirect
              question: '"Invalid redirect" error occurs.'
              answer: Set the Redirect URI.
              related: [logout]
            """);
        WriteUtterances("utterances/login.yaml", """
            intents:
              logout:
                - logout does nothing
              redirect:
                - invalid redirect uri
              out-of-scope:
                - kakao pay refund
            """);
    }

    public void Dispose() => Directory.Delete(_paths.Root, recursive: true);

    [Fact]
    public void A_valid_folder_loads_with_the_canonical_questions_as_training_examples()
    {
        var kb = TrainingDataLoader.LoadKnowledgeBase(_paths);
        var training = TrainingDataLoader.LoadTraining(_paths, kb);

        Assert.Equal(["logout", "redirect"], kb.Entries.Select(e => e.Id));
        Assert.Contains(training, u => u.Text == "I cannot log out." && u.Intent == "logout");
        Assert.Contains(training, u => u.Text == "kakao pay refund" && u.Intent == Intents.OutOfScope);
    }

    [Fact]
    public void A_missing_id_names_the_file_and_the_entry()
    {
        WriteCategory("""
            - question: Q without id
              answer: An answer.
            """);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(_paths));

        Assert.Contains("knowledge-base/login.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("entry #1: id is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_id_names_both_files()
    {
        File.WriteAllText(Path.Combine(_paths.KnowledgeBase, "more.yaml"), """
            category: More
            entries:
              - { id: logout, question: Another question, answer: Another answer. }
            """);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(_paths));

        Assert.Contains("entry 'logout': duplicate id", error.Message, StringComparison.Ordinal);
        Assert.Contains("login.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("more.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_answer_names_the_entry()
    {
        WriteCategory("""
            - id: logout
              question: I cannot log out.
              answer: "  "
            """);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(_paths));

        Assert.Equal("knowledge-base/login.yaml: entry 'logout': answer is missing or empty.", error.Message);
    }

    [Fact]
    public void An_unknown_related_id_names_the_entry_and_the_id()
    {
        WriteCategory("""
            - id: logout
              question: I cannot log out.
              answer: Check the token.
              related: [no-such-entry]
            """);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(_paths));

        Assert.Equal("knowledge-base/login.yaml: entry 'logout': related id 'no-such-entry' is not an entry.", error.Message);
    }

    [Fact]
    public void An_utterance_under_two_intents_names_both()
    {
        WriteUtterances("utterances/more.yaml", """
            intents:
              redirect:
                - "Logout does nothing!"
            """);
        var kb = TrainingDataLoader.LoadKnowledgeBase(_paths);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadTraining(_paths, kb));

        Assert.Contains("utterances/more.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("'redirect'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'logout' (utterances/login.yaml)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_utterance_for_an_unknown_intent_is_refused()
    {
        WriteUtterances("utterances/more.yaml", "intents:\n  typo-intent:\n    - something\n");
        var kb = TrainingDataLoader.LoadKnowledgeBase(_paths);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadTraining(_paths, kb));

        Assert.Contains("utterances/more.yaml: intent 'typo-intent'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_names_the_file_and_line()
    {
        File.WriteAllText(Path.Combine(_paths.KnowledgeBase, "login.yaml"), "category: Login\nentries:\n  - id: [unclosed\n");

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(_paths));

        Assert.StartsWith("knowledge-base/login.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_is_refused_rather_than_silently_ignored()
    {
        WriteCategory("""
            - id: logout
              question: I cannot log out.
              answr: Check the token.
            """);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadKnowledgeBase(_paths));

        Assert.StartsWith("knowledge-base/login.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_held_out_utterance_that_is_also_in_training_is_refused()
    {
        WriteUtterances("held-out/login.yaml", "intents:\n  logout:\n    - \"LOGOUT does nothing...\"\n");
        var kb = TrainingDataLoader.LoadKnowledgeBase(_paths);
        var training = TrainingDataLoader.LoadTraining(_paths, kb);

        var error = Assert.Throws<KnowledgeBaseException>(() => TrainingDataLoader.LoadHeldOut(_paths, kb, training));

        Assert.Contains("held-out/login.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("also in training (utterances/login.yaml", error.Message, StringComparison.Ordinal);
    }

    private void WriteCategory(string entries) =>
        File.WriteAllText(
            Path.Combine(_paths.KnowledgeBase, "login.yaml"),
            "category: Kakao Login\nentries:\n" + string.Join('\n', entries.Split('\n').Select(l => "  " + l)) + "\n");

    private void WriteUtterances(string relativePath, string yaml) =>
        File.WriteAllText(Path.Combine(_paths.Root, relativePath), yaml);
}
