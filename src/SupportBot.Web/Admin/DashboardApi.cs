using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportBot.Bot.Handoffs;
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

    /// <summary>Questions on a page of the review list, unless <c>?pageSize</c> asks for fewer: the dashboard never reads a whole window's texts.</summary>
    public const int MaxPageSize = 100;

    public const int MaxPage = 100_000;

    /// <summary>The questions one assignment may name: a group is at most a page.</summary>
    public const int MaxAssignedQuestions = MaxPageSize;

    private const string ReviewPathSetting = "Classifier:ReviewPath";

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

    private static async Task<Results<Ok<DashboardStats>, ValidationProblem>> StatsAsync(
        string? days, IQuestionInsights insights, IHandoffStore handoffs, KnowledgeBase knowledgeBase, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TryWindow(days, time, out var from, out var count, out var problem))
        {
            return problem;
        }

        var to = from.AddDays(count);
        var counts = await insights.StatsAsync(from, to, DashboardStats.TopEntryCount, cancellationToken);
        var queued = (await handoffs.ListQueuedSinceAsync(from, cancellationToken)).Where(h => h.WaitingSince < to);
        return TypedResults.Ok(DashboardStats.Of(counts, from, count, knowledgeBase, queued));
    }

    /// <summary>
    /// A page of the questions to review (oldest first), grouped by wording within the page: an
    /// assignment takes its questions off the list, so the first page fills up with the next ones.
    /// </summary>
    private static async Task<Results<Ok<ReviewList>, ValidationProblem>> ReviewAsync(
        string? days, string? page, string? pageSize, IQuestionInsights insights, KnowledgeBase knowledgeBase, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TryWindow(days, time, out var from, out var count, out var problem)
            || !TryNumber(page, "page", 1, MaxPage, 1, out var pageNumber, out problem)
            || !TryNumber(pageSize, "pageSize", 1, MaxPageSize, MaxPageSize, out var size, out problem))
        {
            return problem;
        }

        var questions = await insights.PageAsync(
            new QuestionQuery(from, from.AddDays(count), QuestionFilter.NeedsReview, (pageNumber - 1) * size, size), cancellationToken);
        var groups = QuestionGroups.Group(questions.Questions).Select(g => new ReviewGroup(
            g.Questions.Select(q => new ReviewQuestion(q.Id, q.Text, q.AskedAt, q.Outcome, q.Feedback)).ToList(),
            g.ClosestEntryId is { } id && knowledgeBase.Find(id) is { } entry ? new EntryRef(entry.Id, entry.Question) : null)).ToList();
        return TypedResults.Ok(new ReviewList(
            groups, knowledgeBase.Entries.Select(e => new EntryRef(e.Id, e.Question)).ToList(), pageNumber, size, questions.Total));
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
        if (ids.Count is 0 or > MaxAssignedQuestions)
        {
            errors["questionIds"] = [$"Give the ids of the questions to assign (an array of 1 to {MaxAssignedQuestions} strings)."];
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
        var questions = (await insights.GetAsync(ids, cancellationToken)).Where(q => q.AskedAt >= window).OrderBy(q => q.AskedAt).ToList();
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
        catch (Exception ex) when (WritableFolders.IsWriteFailure(ex))
        {
            logger.LogError(ex, "Could not write the review file in {ReviewFolder}", files.TrainingData.Review);
            return WriteRefused("the review file", files.TrainingData.Review, ReviewPathSetting, ex.Message);
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

    /// <summary>
    /// Starts a retraining, after checking that the model and review folders take writes: a
    /// retraining that could only fail minutes later answers 503 now, saying which setting to change.
    /// </summary>
    private static Results<Accepted<RetrainStatus>, ProblemHttpResult> Retrain(ModelRetrainer retrainer, ClassifierFiles files)
    {
        foreach (var (what, folder, setting) in new[]
        {
            ("the retrained model", Path.GetDirectoryName(files.ModelPath)!, "Classifier:ModelPath"),
            ("the review file", files.TrainingData.Review, ReviewPathSetting),
        })
        {
            if (WritableFolders.Check(folder) is { } reason)
            {
                return WriteRefused(what, folder, setting, reason);
            }
        }

        return retrainer.TryStart()
            ? TypedResults.Accepted($"{AdminPages.Api}/retrain", retrainer.Status)
            : TypedResults.Problem(detail: "A retraining is already running; wait for it to finish.", statusCode: StatusCodes.Status409Conflict);
    }

    private static ProblemHttpResult WriteRefused(string what, string folder, string setting, string reason) =>
        TypedResults.Problem(detail: WritableFolders.Detail(what, folder, setting, reason), statusCode: StatusCodes.Status503ServiceUnavailable);

    private static DateTimeOffset Today(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The last <paramref name="text"/> UTC days (today included) from <paramref name="from"/>, or a 400 for a bad number.</summary>
    private static bool TryWindow(string? text, TimeProvider time, out DateTimeOffset from, out int days, out ValidationProblem problem)
    {
        var valid = TryNumber(text, "days", 1, MaxDays, DefaultDays, out days, out problem);
        from = Today(time).AddDays(1 - days);
        return valid;
    }

    private static bool TryNumber(string? text, string name, int min, int max, int fallback, out int value, out ValidationProblem problem)
    {
        problem = null!;
        value = fallback;
        if (text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max))
        {
            return true;
        }

        problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { [name] = [$"{name} must be a whole number from {min} to {max}."] });
        return false;
    }
}

/// <summary>A page of the questions to review, grouped by wording; every FAQ entry they can be assigned to; and how many questions there are to review in all.</summary>
public sealed record ReviewList(IReadOnlyList<ReviewGroup> Groups, IReadOnlyList<EntryRef> Entries, int Page, int PageSize, int Total);

/// <summary>Questions worded alike and the entry the classifier most often thought closest (null when it had none).</summary>
public sealed record ReviewGroup(IReadOnlyList<ReviewQuestion> Questions, EntryRef? Closest);

/// <summary>One question to review: why it is here is its outcome (fallback) or its feedback (unhelpful).</summary>
public sealed record ReviewQuestion(string Id, string Text, DateTimeOffset AskedAt, string Outcome, string? Feedback);

/// <summary>An FAQ entry by id and canonical question.</summary>
public sealed record EntryRef(string Id, string Question);

/// <summary>The result of an assignment: the texts new to training, and the review file they were written to.</summary>
public sealed record Assignment(string EntryId, int Questions, IReadOnlyList<string> Added, string ReviewFile);
