using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests.Knowledge;

public sealed class KnowledgeBaseContentTests
{
    private static readonly KnowledgeBase Kb = TrainingDataLoader.LoadKnowledgeBase(RepositoryPaths.TrainingData);

    [Fact]
    public void Every_question_of_the_seed_faq_is_an_entry_copied_verbatim()
    {
        var lines = File.ReadAllLines(RepositoryPaths.SeedFaq);
        var seedQuestions = lines
            .Where(l => l.StartsWith("Q. ", StringComparison.Ordinal) || l.StartsWith("Why cannot I retrieve specific user information", StringComparison.Ordinal))
            .Select(l => (l.StartsWith("Q. ", StringComparison.Ordinal) ? l[3..] : l).Trim())
            .ToList();

        Assert.Equal(52, seedQuestions.Count);
        Assert.Equal(52, Kb.Entries.Count);
        Assert.Equal(seedQuestions, Kb.Entries.Select(e => e.Question));
    }

    [Fact]
    public void Entries_keep_the_faq_typos_other_parts_match_on()
    {
        Assert.Contains(Kb.Entries, e => e.Question.Contains("Kakao Sync Simple Singup?", StringComparison.Ordinal));
    }

    [Fact]
    public void Categories_are_the_faq_sections_in_faq_order()
    {
        Assert.Equal(["Platform", "Kakao SDK", "Kakao Login", "Kakao Talk Social", "Message", "Kakao Sync"], Kb.Categories);
    }

    [Fact]
    public void Every_answer_line_of_the_faq_appears_in_an_answer()
    {
        var answers = string.Join("\n", Kb.Entries.Select(e => e.Answer));
        var flattened = Flatten(answers);
        var sentences = File.ReadAllLines(RepositoryPaths.SeedFaq)
            .Select(l => l.Trim().TrimStart('•').Trim())
            .Where(l => l.EndsWith('.') && l.Length > 40 && !l.StartsWith("Q. ", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("This document walks you", StringComparison.Ordinal) && !l.StartsWith("You can change the DevTalk", StringComparison.Ordinal));

        Assert.All(sentences, s => Assert.Contains(Flatten(s), flattened, StringComparison.Ordinal));
    }

    [Fact]
    public void The_auth_type_table_is_a_markdown_table_with_one_row_per_sdk()
    {
        var entry = Kb.Find("login-screen-instead-of-kakaotalk")!;

        Assert.Contains("| Platform | Parameter | Description |", entry.Answer, StringComparison.Ordinal);
        Assert.Contains("| JavaScript | throughTalk |", entry.Answer, StringComparison.Ordinal);
        Assert.Contains("| Android | AuthType |", entry.Answer, StringComparison.Ordinal);
        Assert.Contains("| iOS | authType |", entry.Answer, StringComparison.Ordinal);
        Assert.Equal(["android", "ios", "javascript", "rest-api"], entry.Platforms.Keys.Order());
    }

    [Fact]
    public void Answers_keep_menu_paths_steps_and_the_contact_address()
    {
        Assert.Contains("[My Application] > [Kakao Login] > [Redirect URI]", Kb.Find("invalid-redirect-error")!.Answer, StringComparison.Ordinal);
        Assert.Contains("platform.developers@kakaocorp.com", Kb.Find("change-app-owner")!.Answer, StringComparison.Ordinal);
        Assert.Contains("1. Go to [My Application] > [General].", Kb.Find("change-app-information")!.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_entry_has_related_entries_and_small_talk_has_replies()
    {
        Assert.All(Kb.Entries, e => Assert.NotEmpty(e.Related));
        Assert.Equal(Intents.SmallTalk.Order(), Kb.SmallTalk.Select(s => s.Id).Order());
    }

    // Markdown list markers, table pipes and line breaks differ from the plain-text FAQ; the words must not.
    private static string Flatten(string text) =>
        string.Join(' ', text.Replace("<br>", " ", StringComparison.Ordinal)
            .Split((char[])[' ', '\n', '\r', '\t', '|'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("-" or "*") && !(w.Length <= 3 && w.EndsWith('.') && char.IsDigit(w[0]))));
}
