using Microsoft.AspNetCore.Http.HttpResults;
using SupportBot.Core.Answers;
using SupportBot.Core.Knowledge;
using SupportBot.Core.Text;
using SupportBot.Web.Http;

namespace SupportBot.Web.HelpDesk;

/// <summary>
/// The REST API help desks call (<c>/api/v1</c>): suggested answers for a question, with the same
/// decision the bot makes, and the FAQ itself.
/// </summary>
public static class HelpDeskApi
{
    public const int DefaultTop = 3;

    public static RouteGroupBuilder MapHelpDeskApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Help desk");

        api.MapPost("/answers", Ask)
            .RequireJsonBody()
            .WithName("Ask")
            .WithSummary("Rank the FAQ entries for a question")
            .WithDescription("Returns the answers contract: `answered` is false exactly when the bot would fall back instead of answering. " +
                "With a `locale` (en or ko, region optional), the result also says the language taken (`locale`) and, for Korean, the `notice` to show before an answer, which stays the FAQ's English text.")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/faq", ListFaq)
            .WithName("ListFaq")
            .WithSummary("Every FAQ entry, grouped by category in the FAQ's order");

        api.MapGet("/faq/{id}", GetFaqEntry)
            .WithName("GetFaqEntry")
            .WithSummary("One FAQ entry with its answer")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static Results<Ok<AnswerResult>, ValidationProblem> Ask(AnswersRequest request, AnswerService answers)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            errors["question"] = ["A non-empty question is required."];
        }

        var top = request.Top ?? DefaultTop;
        if (top is < 1 or > AnswerService.MaxTop)
        {
            errors["top"] = [$"top must be between 1 and {AnswerService.MaxTop}."];
        }

        var language = request.Locale is null ? null : Language.OfLocale(request.Locale);
        if (request.Locale is not null && language is null)
        {
            errors["locale"] = ["locale must be an English or Korean locale such as en, en-US, ko or ko-KR."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(answers.Ask(request.Question, top, language));
    }

    private static Ok<List<FaqCategory>> ListFaq(KnowledgeBase knowledgeBase) =>
        TypedResults.Ok(knowledgeBase.Categories
            .Select(category => new FaqCategory(
                category,
                knowledgeBase.InCategory(category)
                    .Select(e => new FaqSummary(e.Id, e.Question, e.Related))
                    .ToList()))
            .ToList());

    private static Results<Ok<FaqEntryDetails>, ProblemHttpResult> GetFaqEntry(string id, KnowledgeBase knowledgeBase) =>
        knowledgeBase.Find(id) is { } entry
            ? TypedResults.Ok(new FaqEntryDetails(entry.Id, entry.Category, entry.Question, entry.Answer, entry.Related, entry.Platforms))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no FAQ entry '{id}'.");
}
