using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Answers;
using SupportBot.Web.Http;

namespace SupportBot.Web.HelpDesk;

/// <summary>
/// The tickets the bot's handoff creates, for a help desk (<c>/api/v1/tickets</c>): list with
/// filters and paging, one with its transcript, status and assignee changes, and suggested FAQ
/// answers for a ticket. Every endpoint needs an API key (see <see cref="ApiKeys"/>).
/// </summary>
public static class TicketsApi
{
    public const string Route = "/api/v1/tickets";

    public const string EventsRoute = "/api/v1/webhook-events";

    private const int MaxEvents = 100;

    private static readonly string StatusList = string.Join(", ", TicketStatus.All);

    public static IEndpointRouteBuilder MapTicketsApi(this IEndpointRouteBuilder endpoints)
    {
        var tickets = endpoints.MapGroup(Route)
            .WithTags("Tickets")
            .RequireApiKey(ApiKeyScope.Tickets)
            .RequireRateLimiting(RateLimits.HelpDeskApi)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        tickets.MapGet(string.Empty, List)
            .WithName("ListTickets")
            .WithSummary("Tickets, newest first, filtered and paged")
            .WithDescription("Filters: `status` (open, pending, solved), `assignee` (exact), `createdFrom` (inclusive) and `createdTo` (exclusive) as ISO 8601 times. " +
                $"Paging: `limit` (1 to {TicketQuery.MaxLimit}, {TicketQuery.DefaultLimit} when absent) and the `cursor` from the previous page's `next` link.");

        tickets.MapGet("/{number}", Get)
            .WithName("GetTicket")
            .WithSummary("One ticket with its question log and the conversation's transcript")
            .ProducesProblem(StatusCodes.Status404NotFound);

        tickets.MapPatch("/{number}", UpdateAsync)
            .RequireJsonBody()
            .Accepts<TicketPatch>("application/json", "application/merge-patch+json")
            .WithName("UpdateTicket")
            .WithSummary("Change a ticket's status and or assignee")
            .WithDescription("`status`: open, pending or solved. `assignee`: a name, or null to unassign. A change sends a `ticket.updated` webhook event.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        tickets.MapGet("/{number}/suggestions", Suggest)
            .WithName("SuggestAnswers")
            .WithSummary("FAQ answers for the ticket's questions, best first, for the agent to send")
            .WithDescription("The ticket's questions and summary, each ranked as `POST /api/v1/answers` ranks it; `top` (1 to 10, 3 when absent).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapGet(EventsRoute, ListEventsAsync)
            .WithTags("Tickets")
            .RequireApiKey(ApiKeyScope.Tickets)
            .RequireRateLimiting(RateLimits.HelpDeskApi)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithName("ListWebhookEvents")
            .WithSummary("Webhook events in the outbox by state: pending, delivered or dead (given up), newest first");

        return endpoints;
    }

    private static async Task<Results<Ok<TicketList>, ValidationProblem>> List(
        HttpRequest request,
        ITicketStore tickets,
        string? status,
        string? assignee,
        string? createdFrom,
        string? createdTo,
        string? limit,
        string? cursor,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedStatus = status is null ? null : TicketStatus.Parse(status);
        if (status is not null && parsedStatus is null)
        {
            errors["status"] = [$"'{status}' is not a ticket status; use {StatusList}."];
        }

        // PostgreSQL refuses a NUL in text (a 500); no name has one.
        if (assignee is not null && assignee.Contains('\0', StringComparison.Ordinal))
        {
            errors["assignee"] = ["assignee is a name, without NUL characters."];
        }

        var from = ParseTime(createdFrom, "createdFrom", errors);
        var to = ParseTime(createdTo, "createdTo", errors);
        if (from is not null && to is not null && to <= from)
        {
            errors["createdTo"] = ["createdTo must be later than createdFrom."];
        }

        var pageSize = TicketQuery.DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > TicketQuery.MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {TicketQuery.MaxLimit}."];
        }

        if (cursor is not null && !TicketNumber.TryParse(cursor, out _))
        {
            errors["cursor"] = ["cursor must be the one from a previous page's next link."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new TicketQuery(parsedStatus, string.IsNullOrEmpty(assignee) ? null : assignee, from, to, pageSize, cursor);
        var page = await tickets.ListAsync(query, cancellationToken);
        var next = page.NextCursor is null ? null : NextLink(request, page.NextCursor);
        return TypedResults.Ok(new TicketList(page.Items.Select(t => TicketView.From(t)).ToList(), page.Total, pageSize, next));
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> Get(string number, ITicketStore tickets, CancellationToken cancellationToken)
    {
        var ticket = await tickets.FindAsync(number, cancellationToken);
        var transcript = ticket is null ? null : await tickets.FindTranscriptAsync(ticket.Number, cancellationToken);
        return ticket is null || transcript is null ? NoSuchTicket(number) : TypedResults.Ok(TicketView.From(ticket, transcript));
    }

    private static async Task<Results<Ok<TicketView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string number,
        HttpContext context,
        ITicketStore tickets,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var body = context.Features.Get<JsonBodyFeature>()!.Root;
        var errors = new Dictionary<string, string[]>();
        string? status = null;
        bool setsAssignee = false;
        string? assignee = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "status":
                    status = property.Value.ValueKind == JsonValueKind.String ? TicketStatus.Parse(property.Value.GetString()) : null;
                    if (status is null)
                    {
                        errors["status"] = [$"{property.Value.GetRawText()} is not a ticket status; use {StatusList}."];
                    }

                    break;
                case "assignee":
                    setsAssignee = true;
                    assignee = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => property.Value.GetString()!.Trim(),
                        _ => string.Empty,
                    };
                    if (assignee is not null && (assignee.Length == 0 || assignee.Length > TicketRules.MaxAssigneeLength))
                    {
                        errors["assignee"] = [$"assignee is a name of 1 to {TicketRules.MaxAssigneeLength} characters, or null to unassign."];
                    }

                    break;
                default:
                    errors[property.Name] = ["Unknown field: a ticket change has status and assignee only."];
                    break;
            }
        }

        if (errors.Count == 0 && status is null && !setsAssignee)
        {
            errors["body"] = ["Give a status, an assignee or both."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var updated = await tickets.UpdateAsync(number, new TicketChange(status, setsAssignee, assignee), cancellationToken);
        if (updated is null)
        {
            return NoSuchTicket(number);
        }

        loggers.CreateLogger(typeof(TicketsApi).FullName!).LogInformation(
            "Ticket {TicketNumber} is {Status}, assigned to {Assignee}", updated.Number, updated.Status, updated.Assignee ?? "nobody");
        return TypedResults.Ok(TicketView.From(updated));
    }

    private static async Task<Results<Ok<TicketSuggestions>, ValidationProblem, ProblemHttpResult>> Suggest(
        string number,
        string? top,
        ITicketStore tickets,
        AnswerService answers,
        CancellationToken cancellationToken)
    {
        var count = HelpDeskApi.DefaultTop;
        if (top is not null && (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > AnswerService.MaxTop))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"top must be between 1 and {AnswerService.MaxTop}."] });
        }

        var ticket = await tickets.FindAsync(number, cancellationToken);
        if (ticket is null)
        {
            return NoSuchTicket(number);
        }

        // Each question ranked on its own (as the bot and POST /api/v1/answers rank it); an entry
        // suggested for several keeps its best score.
        var questions = ticket.Questions.Select(q => q.Text).Append(ticket.Summary).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var answered = ticket.Questions.Select(q => q.EntryId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var matches = questions
            .SelectMany(q => answers.Ask(q, AnswerService.MaxTop).Matches.Select(m => (Question: q, Match: m)))
            .GroupBy(m => m.Match.Id)
            .Select(g => g.MaxBy(m => m.Match.Score))
            .OrderByDescending(m => m.Match.Score)
            .Take(count)
            .Select(m => new TicketSuggestion(m.Match.Id, m.Match.Question, m.Match.Category, m.Match.Score, m.Match.Answer, m.Question, answered.Contains(m.Match.Id)))
            .ToList();
        return TypedResults.Ok(new TicketSuggestions(ticket.Number, questions, matches));
    }

    private static async Task<Results<Ok<List<WebhookEventView>>, ValidationProblem>> ListEventsAsync(
        string? state,
        string? limit,
        ITicketOutbox outbox,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        state ??= TicketEventState.Dead;
        if (!TicketEventState.All.Contains(state))
        {
            errors["state"] = [$"'{state}' is not an event state; use {string.Join(", ", TicketEventState.All)}."];
        }

        var count = MaxEvents;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxEvents))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxEvents}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var events = await outbox.ListEventsAsync(state, count, cancellationToken);
        return TypedResults.Ok(events.Select(WebhookEventView.From).ToList());
    }

    private static DateTimeOffset? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors[field] = [$"'{text}' is not a date and time; use ISO 8601, e.g. 2025-03-01T09:00:00Z."];
        return null;
    }

    /// <summary>The same list with the next page's cursor: a relative link, as the client called it.</summary>
    private static string NextLink(HttpRequest request, string cursor)
    {
        var query = request.Query
            .Where(p => !string.Equals(p.Key, "cursor", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("cursor", cursor));
        return $"{request.PathBase}{request.Path}{QueryString.Create(query)}";
    }

    private static ProblemHttpResult NoSuchTicket(string number) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no ticket '{number}'.");
}
