using System.Text.Json.Nodes;
using SupportBot.Core.Knowledge;

namespace SupportBot.Cli.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class AskTests(TrainedModelFixture model)
{
    private static readonly KnowledgeBase Kb = TrainingDataLoader.LoadKnowledgeBase(SupportBotProcess.RepositoryData);

    [Fact]
    public void A_question_prints_exactly_one_json_object_with_the_canonical_faq_entries()
    {
        var run = model.Run("ask", "keyhash mismatch android");

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.StdoutLines);
        var answer = AnswerJson.Parse(line);
        Assert.Equal("keyhash mismatch android", answer.Text("query"));
        Assert.True(answer.GetProperty("answered").GetBoolean(), line);
        var matches = answer.Matches();
        Assert.Equal(3, matches.Count);
        Assert.Equal("android-keyhash-mismatch", matches[0].Text("id"));
        Assert.Equal("[Android SDK] android keyhash mismatched! An error occurs.", matches[0].Text("question"));
        foreach (var match in matches)
        {
            var entry = Kb.Find(match.Text("id"));
            Assert.NotNull(entry);
            Assert.Equal(entry.Question, match.Text("question"));
            Assert.Equal(entry.Category, match.Text("category"));
            Assert.Equal(entry.Answer, match.Text("answer"));
        }

        var scores = matches.Select(m => m.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public void Top_sets_how_many_entries_are_listed()
    {
        var run = model.Run("ask", "--top", "5", "how do i change the app owner");

        Assert.True(run.ExitCode == 0, run.ToString());
        var matches = AnswerJson.Parse(Assert.Single(run.StdoutLines)).Matches();
        Assert.Equal(5, matches.Count);
        Assert.Equal(5, matches.Select(m => m.Text("id")).Distinct().Count());
    }

    [Fact]
    public void Questions_on_standard_input_give_one_json_line_each_in_order_even_for_an_empty_line()
    {
        string[] questions = ["logout fails", "", "invalid redirect error", "hello", "카카오 로그인 키해시 오류"];

        var run = model.RunWithInput(string.Join('\n', questions) + "\n", "ask");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(questions.Length, run.StdoutLines.Count);
        var answers = run.StdoutLines.Select(AnswerJson.Parse).ToList();
        Assert.Equal(questions, answers.Select(a => a.Text("query")));
        Assert.False(answers[1].GetProperty("answered").GetBoolean());
        Assert.Empty(answers[1].Matches());
        Assert.Equal("invalid-redirect-error", answers[2].Matches()[0].Text("id"));
    }

    [Fact]
    public void Logs_go_to_standard_error_and_standard_output_holds_nothing_but_json()
    {
        // A model whose metrics name other training data makes ask log a warning before answering.
        using var folder = new TempFolder();
        var modelPath = folder.File("model.zip");
        File.Copy(model.ModelPath, modelPath);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(model.ModelPath, ".metrics.json")))!;
        metrics["dataFingerprint"] = "0000000000000000";
        File.WriteAllText(Path.ChangeExtension(modelPath, ".metrics.json"), metrics.ToJsonString());

        var run = SupportBotProcess.Run(
            ["ask", "--top", "2", "--data", model.DataPath, "--model", modelPath], "app ownership transfer\nthanks a lot\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("was trained on other training data", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, run.StdoutLines.Count);
        Assert.All(run.StdoutLines, line => AnswerJson.Parse(line));
        Assert.DoesNotContain("warn:", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_korean_locale_adds_the_language_and_the_korean_notice_and_keeps_the_english_answers()
    {
        var run = model.Run("ask", "--locale", "ko-KR", "로그아웃이 안 돼요");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = AnswerJson.Parse(Assert.Single(run.StdoutLines));
        Assert.Equal("ko", answer.Text("locale"));
        Assert.Equal("아래 답변은 카카오 디벨로퍼스 FAQ의 영어 원문이에요.", answer.Text("notice"));
        var best = answer.Matches()[0];
        Assert.Equal("cannot-log-out", best.Text("id"));
        Assert.Equal(Kb.Find("cannot-log-out")!.Answer, best.Text("answer"));
    }

    [Fact]
    public void Without_a_locale_a_korean_question_gets_the_answer_fields_as_before()
    {
        var run = model.Run("ask", "로그아웃이 안 돼요");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = AnswerJson.Parse(Assert.Single(run.StdoutLines));
        Assert.Equal(["answered", "matches", "outcome", "query"], answer.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("cannot-log-out", answer.Matches()[0].Text("id"));
    }

    [Fact]
    public void An_out_of_scope_question_is_not_answered()
    {
        var run = model.Run("ask", "what is the best pizza topping");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = AnswerJson.Parse(Assert.Single(run.StdoutLines));
        Assert.False(answer.GetProperty("answered").GetBoolean(), run.Stdout);
    }
}
