using System.Text.Encodings.Web;
using System.Text.Json;
using SupportBot.Core.Answers;
using SupportBot.Core.Classification;
using SupportBot.Core.Text;

namespace SupportBot.Cli.Commands;

/// <summary>
/// <c>supportbot ask [--top N] [--locale en|ko] [QUESTION]</c>: one JSON object for a question given
/// as arguments; JSON Lines, one object per line read, when the questions come on standard input.
/// </summary>
public static class AskCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        // Answers are Markdown with quotes and brackets; keep them readable in the JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(CliContext context)
    {
        var top = context.Line.IntOption("top", 3, 1, AnswerService.MaxTop);
        var locale = context.Line.Option("locale");
        var language = locale is null ? null : Language.OfLocale(locale)
            ?? throw new UsageException($"--locale must be an English or Korean locale such as en, en-US, ko or ko-KR, not '{locale}'.");
        var knowledgeBase = context.LoadKnowledgeBase();
        var classifier = IntentModelFile.LoadOrTrain(context.Data, context.ModelPath, context.Loggers);
        var answers = new AnswerService(classifier, context.Policy(knowledgeBase), knowledgeBase);

        var stdout = Console.Out;
        if (context.Line.Arguments.Count > 0)
        {
            stdout.WriteLine(JsonSerializer.Serialize(answers.Ask(string.Join(' ', context.Line.Arguments), top, language), Json));
            return 0;
        }

        string? line;
        while ((line = Console.In.ReadLine()) is not null)
        {
            stdout.WriteLine(JsonSerializer.Serialize(answers.Ask(line, top, language), Json));
            stdout.Flush();
        }

        return 0;
    }
}
