using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportBot.Bot.Insights;
using SupportBot.Core.Knowledge;
using SupportBot.Web.Classification;
using SupportBot.Web.Http;

namespace SupportBot.Web.Admin;

/// <summary>
/// What the dashboard page reads and does (<c>/admin/api</c>, signed-in admins only; changes need
/// the antiforgery token): the charts' numbers, the questions to review grouped by wording, their
/// assignment to an entry, and retraining.
/// </summary>
public static class DashboardApi
{
    public const int DefaultDays = 14;
    public const int MaxDays = 90;

    /// <summary>More questions than this in a window are not read: the dashboard is for a help desk's volume, not an analytics store's.</summary>
    public const int MaxQuestions = 100_000;

    public const int MaxReviewGroups = 50;

    /// <summary>Appends to the review file are read-modify-write: one at a time (the dashboard's and a retraining's).</summary>
    internal static readonly SemaphoreSlim ReviewFileLock = new(1, 1);

    public static WebApplication MapDashboardApi(this WebApplication app)
    {
        var api = app.MapGroup(AdminPages.Api)
            .RequireAuthorization(AdminAuthentication.Policy)
            .RequireAntiforgeryToken()
            .ExcludeFromDescription();
        api.MapGet("/stats", StatsAsync);
        api.MapGet("/review", ReviewAsync);
        api.MapPost("/review", AssignAsync).RequireJsonBody();
        api.MapGet("/retrain", (ModelRetrainer retrainer) => TypedResults.Ok(retrainer.Status));
        api.MapPost("/retrain", Retrain).AllowJsonBody();
        return app;
    }

    private static Task<Results<Ok<DashboardStats>, ValidationProblem>> StatsAsync(
        string? days, IQuestionInsights insights, KnowledgeBase knowledgeBase, TimeProvider time, CancellationToken cancellationToken) =>
        InWindowAsync(days, insights, time, (questions, from, count) => DashboardStats.Compute(questions, from, count, knowledgeBase), cancellationToken);

    private static Task<Results<Ok<ReviewList>, ValidationProblem>> ReviewAsync(
        string? days, IQuestionInsights insights, KnowledgeBase knowledgeBase, TimeProvider time, CancellationToken cancellationToken) =>
        InWindowAsync(days, insights, time, (questions, _, _) => ToReview(questions, knowledgeBase), cancellationToken);

    /// <summary>The view of the questions of the last <paramref name="days"/> UTC days (today included), or a 400 for a bad number.</summary>
    private static async Task<Results<Ok<T>, ValidationProblem>> InWindowAsync<T>(
        string? days,
        IQuestionInsights insights,
        TimeProvider time,
        Func<IReadOnlyList<AskedQuestion>, DateTimeOffset, int, T> view,
        CancellationToken cancellationToken)
    {
        if (!TryDays(days, out var count, out var problem))
        {
            return problem;
        }

        var from = Today(time).AddDays(1 - count);
        var questions = await insights.ListAsync(from, from.AddDays(count), MaxQuestions, cancellationToken);
        return TypedResults.Ok(view(questions, from, count));
    }

    private static ReviewList ToReview(IReadOnlyList<AskedQuestion> questions, KnowledgeBase knowledgeBase)
    {
        var groups = QuestionGroups.Group(questions.Where(NeedsReview).ToList()).Take(MaxReviewGroups).Select(g => new ReviewGroup(
            g.Questions.Select(q => new ReviewQuestion(q.Id, q.Text, q.AskedAt, q.Outcome, q.Feedback)).ToList(),
            g.ClosestEntryId is { } id && knowledgeBase.Find(id) is { } entry ? new EntryRef(entry.Id, entry.Question) : null)).ToList();
        return new ReviewList(groups, knowledgeBase.Entries.Select(e => new EntryRef(e.Id, e.Question)).ToList());
    }

    private static async Task<Results<Ok<Assignment>, ValidationProblem, ProblemHttpResult>> AssignAsync(
        HttpContext context,
        IQuestionInsights insights,
        KnowledgeBase knowledgeBase,
        ClassifierFiles files,
        TimeProvider time,
        ILogger<ModelRetrainer> logger,
        CancellationToken cancellationToken)
    {
        var body = context.Features.Get<JsonBodyFeature>()!.Root;
        var errors = new Dictionary<string, string[]>();
        var ids = body.TryGetProperty("questionIds", out var idList) && idList.ValueKind == JsonValueKind.Array
            ? idList.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).Distinct(StringComparer.Ordinal).ToList()
            : [];
        if (ids.Count == 0)
        {
            errors["questionIds"] = ["Give the ids of the questions to assign (a non-empty array of strings)."];
        }

        var intent = body.TryGetProperty("entryId", out var entry) && entry.ValueKind == JsonValueKind.String ? entry.GetString()! : string.Empty;
        if (!knowledgeBase.IsFaqEntry(intent) && intent != Intents.OutOfScope)
        {
            errors["entryId"] = [$"Give an FAQ entry id, or '{Intents.OutOfScope}'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var window = Today(time).AddDays(1 - MaxDays);
        var questions = (await insights.ListAsync(window, Today(time).AddDays(1), MaxQuestions, cancellationToken))
            .Where(q => ids.Contains(q.Id, StringComparer.Ordinal)).ToList();
        if (questions.Count < ids.Count)
        {
            return TypedResults.Problem(detail: $"Some of the questions are unknown or older than {MaxDays} days.", statusCode: StatusCodes.Status404NotFound);
        }

        IReadOnlyList<string> added;
        await ReviewFileLock.WaitAsync(cancellationToken);
        try
        {
            added = ReviewFile.Append(files.TrainingData, intent, questions.Select(q => q.Text));
        }
        catch (KnowledgeBaseException ex)
        {
            return TypedResults.Problem(detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
        finally
        {
            ReviewFileLock.Release();
        }

        await insights.ReviewAsync(ids, intent, cancellationToken);
        logger.LogInformation(
            "{Count} questions assigned to {Intent}; {Added} new utterances in {ReviewFile}",
            ids.Count,
            intent,
            added.Count,
            ReviewFile.PathIn(files.TrainingData));
        return TypedResults.Ok(new Assignment(intent, ids.Count, added, Path.GetRelativePath(Path.GetDirectoryName(files.TrainingData.Root)!, ReviewFile.PathIn(files.TrainingData))));
    }

    private static Results<Accepted<RetrainStatus>, ProblemHttpResult> Retrain(ModelRetrainer retrainer) =>
        retrainer.TryStart()
            ? TypedResults.Accepted($"{AdminPages.Api}/retrain", retrainer.Status)
            : TypedResults.Problem(detail: "A retraining is already running; wait for it to finish.", statusCode: StatusCodes.Status409Conflict);

    /// <summary>Not answered, or answered but the user said it did not help, and not reviewed yet.</summary>
    private static bool NeedsReview(AskedQuestion question) =>
        question.ReviewedAs is null
        && (question.Outcome == QuestionOutcomes.Fallback || question.Feedback == QuestionFeedback.Unhelpful);

    private static DateTimeOffset Today(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
    }

    private static bool TryDays(string? text, out int days, out ValidationProblem problem)
    {
        problem = null!;
        days = DefaultDays;
        if (text is null || (int.TryParse(text, out days) && days is >= 1 and <= MaxDays))
        {
            return true;
        }

        problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["days"] = [$"days must be a whole number from 1 to {MaxDays}."] });
        return false;
    }
}

/// <summary>The questions to review, grouped by wording, and every FAQ entry they can be assigned to.</summary>
public sealed record ReviewList(IReadOnlyList<ReviewGroup> Groups, IReadOnlyList<EntryRef> Entries);

/// <summary>Questions worded alike and the entry the classifier most often thought closest (null when it had none).</summary>
public sealed record ReviewGroup(IReadOnlyList<ReviewQuestion> Questions, EntryRef? Closest);

/// <summary>One question to review: why it is here is its outcome (fallback) or its feedback (unhelpful).</summary>
public sealed record ReviewQuestion(string Id, string Text, DateTimeOffset AskedAt, string Outcome, string? Feedback);

/// <summary>An FAQ entry by id and canonical question.</summary>
public sealed record EntryRef(string Id, string Question);

/// <summary>The result of an assignment: the texts new to training, and the review file they were written to.</summary>
public sealed record Assignment(string EntryId, int Questions, IReadOnlyList<string> Added, string ReviewFile);
