using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.Http;

namespace SupportBot.Web.Agents;

/// <summary>
/// The handlers of the agent API and of the console's API (<see cref="AgentApi"/>, <see cref="AgentConsole"/>):
/// the same checks and answers whether the agent is an API key's name or a signed-in console.
/// Every call marks the agent as heard from (<see cref="TouchPresence{TBuilder}"/>).
/// </summary>
public static partial class AgentEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>How long a read waits for a new activity when it does not say (<c>wait</c>, in seconds).</summary>
    public const int DefaultWaitSeconds = 10;

    /// <summary>The longest a read may wait: under the usual 30 s proxy and client timeouts.</summary>
    public const int MaxWaitSeconds = 25;

    private static readonly string StatusList = string.Join(", ", HandoffStatus.All);

    /// <summary>The agent calling: an agent key's name (the API) or the signed-in agent (the console).</summary>
    public static string AgentOf(HttpContext context) =>
        context.Features.Get<ApiKeyCaller>()?.KeyName ?? context.User.Identity?.Name
        ?? throw new InvalidOperationException("An agent endpoint ran without an agent.");

    /// <summary>Maps the handlers on a group whose requests carry an agent (an API key or the console's cookie); <paramref name="names"/> prefixes the endpoint names, which are unique across the host.</summary>
    public static void MapHandlers(RouteGroupBuilder agents, RouteGroupBuilder handoffs, string names = "")
    {
        agents.MapGet("/me/presence", GetPresenceAsync)
            .WithName(names + "GetAgentPresence")
            .WithSummary("The calling agent's presence: online, away or offline (offline once silent for HelpDesk:PresenceTimeout)");
        agents.MapPut("/me/presence", SetPresenceAsync)
            .RequireJsonBody()
            .Accepts<PresenceChange>("application/json")
            .WithName(names + "SetAgentPresence")
            .WithSummary("Set the calling agent's presence: {\"status\": \"online\" | \"away\" | \"offline\"}")
            .WithDescription("Every agent call keeps the agent heard from; an agent silent for HelpDesk:PresenceTimeout counts as offline.")
            .ProducesValidationProblem();

        handoffs.MapGet(string.Empty, ListAsync)
            .WithName(names + "ListHandoffs")
            .WithSummary("Handoffs by status: waiting (the queue, oldest first, with each one's place), active or ended")
            .WithDescription($"`status`: {StatusList} (waiting when absent); `limit`: 1 to {MaxLimit} ({DefaultLimit} when absent).")
            .ProducesValidationProblem();
        handoffs.MapPost("/{id}/accept", AcceptAsync)
            .WithName(names + "AcceptHandoff")
            .WithSummary("Take a waiting handoff: the user is told the agent's name")
            .WithDescription("409 when another agent holds it or it has ended; accepting one you already hold answers it again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        handoffs.MapGet("/{id}/activities", ReadAsync)
            .WithName(names + "ReadHandoffActivities")
            .WithSummary("The conversation's activities (the user's and the agent's) after a watermark, as Bot Framework activities; a long poll")
            .WithDescription($"`watermark`: from the previous answer (0 or absent: from the start). With nothing new the call waits up to `wait` seconds " +
                $"(0 to {MaxWaitSeconds}, {DefaultWaitSeconds} when absent) and answers as soon as an activity is stored or the handoff's status changes.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        handoffs.MapPost("/{id}/activities", PostAsync)
            .RequireJsonBody()
            .Accepts<AgentActivity>("application/json")
            .WithName(names + "PostHandoffActivity")
            .WithSummary("Send the user a message ({\"type\": \"message\", \"text\": \"...\"}) or a typing indicator ({\"type\": \"typing\"})")
            .WithDescription("403 when another agent holds the handoff, 409 when it is not active; the text is at most Bot:MaxMessageLength characters.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        handoffs.MapPost("/{id}/end", EndAsync)
            .AllowJsonBody()
            .Accepts<HandoffEnd>("application/json")
            .WithName(names + "EndHandoff")
            .WithSummary("End your handoff: the bot takes over again and asks the user for a rating")
            .WithDescription("Optional body {\"reason\": \"completed\" | \"transferred\"} (completed when absent): transferred gives the user back to the bot with the question unresolved.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>Marks the agent as heard from before each call (presence is kept by use, as a console's polling keeps it).</summary>
    public static TBuilder TouchPresence<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            await http.RequestServices.GetRequiredService<AgentDesk>().TouchAsync(AgentOf(http), http.RequestAborted);
            return await next(context);
        });

    private static async Task<Ok<PresenceView>> GetPresenceAsync(HttpContext context, AgentDesk desk) =>
        TypedResults.Ok(await desk.PresenceAsync(AgentOf(context), context.RequestAborted));

    private static async Task<Results<Ok<PresenceView>, ValidationProblem>> SetPresenceAsync(HttpContext context, AgentDesk desk)
    {
        var body = context.Features.Get<JsonBodyFeature>()!.Root;
        var errors = new Dictionary<string, string[]>();
        string? status = null;
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "status")
            {
                status = property.Value.ValueKind == JsonValueKind.String && AgentStatus.All.Contains(property.Value.GetString()!) ? property.Value.GetString() : null;
                if (status is null)
                {
                    errors["status"] = [$"{Shown(property.Value)} is not a presence; use {string.Join(", ", AgentStatus.All)}."];
                }
            }
            else
            {
                errors[property.Name] = ["Unknown field: a presence has a status only."];
            }
        }

        if (errors.Count == 0 && status is null)
        {
            errors["status"] = [$"Give a status: {string.Join(", ", AgentStatus.All)}."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await desk.SetPresenceAsync(AgentOf(context), status!, context.RequestAborted));
    }

    private static async Task<Results<Ok<List<HandoffView>>, ValidationProblem>> ListAsync(string? status, string? limit, AgentDesk desk, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        status ??= HandoffStatus.Waiting;
        if (!HandoffStatus.All.Contains(status))
        {
            errors["status"] = [$"'{Cut(status)}' is not a handoff status; use {StatusList}."];
        }

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok((await desk.ListAsync(status, count, cancellationToken)).ToList());
    }

    private static async Task<Results<Ok<HandoffView>, ValidationProblem, ProblemHttpResult>> AcceptAsync(string id, HttpContext context, AgentDesk desk)
    {
        if (BadId(id) is { } bad)
        {
            return bad;
        }

        var change = await desk.AcceptAsync(id, AgentOf(context), context.RequestAborted);
        return change.Result switch
        {
            HandoffChangeResult.Changed => TypedResults.Ok(HandoffView.From(change.Handoff!)),
            HandoffChangeResult.NotFound => NoSuchHandoff(id),
            HandoffChangeResult.HeldByAnother => Conflict("Another agent has accepted this handoff."),
            _ => Conflict("This handoff is no longer waiting: it has ended."),
        };
    }

    private static async Task<Results<Ok<HandoffActivitiesView>, ValidationProblem, ProblemHttpResult>> ReadAsync(
        string id, string? watermark, string? wait, AgentDesk desk, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        long after = 0;
        if (watermark is not null && (!long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            errors["watermark"] = ["watermark is the one from a previous answer: a whole number, 0 or more."];
        }

        var seconds = DefaultWaitSeconds;
        if (wait is not null && (!int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds > MaxWaitSeconds))
        {
            errors["wait"] = [$"wait is a number of seconds from 0 to {MaxWaitSeconds}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (handoff, problem) = await FindAsync(id, desk, cancellationToken);
        return problem ?? (Results<Ok<HandoffActivitiesView>, ValidationProblem, ProblemHttpResult>)TypedResults.Ok(
            await desk.ReadAsync(handoff!, after, TimeSpan.FromSeconds(seconds), cancellationToken));
    }

    private static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> PostAsync(
        string id, HttpContext context, AgentDesk desk, IOptions<BotOptions> bot)
    {
        var body = context.Features.Get<JsonBodyFeature>()!.Root;
        var errors = new Dictionary<string, string[]>();
        string? type = null;
        string? text = null;
        var maxLength = bot.Value.MaxMessageLength;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type":
                    type = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (type is not (ActivityTypes.Message or ActivityTypes.Typing))
                    {
                        errors["type"] = [$"{Shown(property.Value)} is not an activity an agent sends; use message or typing."];
                    }

                    break;
                case "text":
                    text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        errors["text"] = ["text is a string."];
                    }
                    else if (text!.Length > maxLength)
                    {
                        errors["text"] = [$"text is at most {maxLength} characters (Bot:MaxMessageLength)."];
                    }

                    break;
                default:
                    errors[property.Name] = ["Unknown field: an agent's activity has type and text only."];
                    break;
            }
        }

        if (errors.Count == 0 && type is null)
        {
            errors["type"] = ["Give a type: message or typing."];
        }

        if (errors.Count == 0 && type == ActivityTypes.Message && string.IsNullOrWhiteSpace(text))
        {
            errors["text"] = ["A message needs a non-empty text."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var agent = AgentOf(context);
        var (handoff, refused) = await FindYoursAsync(id, agent, desk, context.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        if (desk.Relay is not { } relay)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The bot cannot relay messages to users on this host.");
        }

        var activity = new Activity
        {
            Type = type,
            Text = type == ActivityTypes.Message ? text!.Trim() : null,
            From = new ChannelAccount(id: "agent:" + agent, name: agent),
            Timestamp = desk.Now,
        };
        await relay.SendFromAgentAsync(handoff!, activity, context.RequestAborted);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<Ok<HandoffView>, ValidationProblem, ProblemHttpResult>> EndAsync(string id, HttpContext context, AgentDesk desk)
    {
        var reason = HandoffEndReason.Completed;
        if (context.Features.Get<JsonBodyFeature>()?.Root is { } body)
        {
            var errors = new Dictionary<string, string[]>();
            foreach (var property in body.EnumerateObject())
            {
                if (property.Name == "reason")
                {
                    reason = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : string.Empty;
                    if (reason is not (HandoffEndReason.Completed or HandoffEndReason.Transferred))
                    {
                        errors["reason"] = [$"{Shown(property.Value)} is not how an agent ends a handoff; use completed or transferred."];
                    }
                }
                else
                {
                    errors[property.Name] = ["Unknown field: ending a handoff takes a reason only."];
                }
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
        }

        var agent = AgentOf(context);
        if ((await FindYoursAsync(id, agent, desk, context.RequestAborted)).Problem is { } refused)
        {
            return refused;
        }

        var change = await desk.EndAsync(id, agent, reason, context.RequestAborted);
        return change.Result switch
        {
            HandoffChangeResult.Changed => TypedResults.Ok(HandoffView.From(change.Handoff!)),
            HandoffChangeResult.NotFound => NoSuchHandoff(id),
            HandoffChangeResult.HeldByAnother => NotYours(),
            _ => Conflict("This handoff has already ended."),
        };
    }

    /// <summary>The handoff the agent may post to or end now, or why not: as <see cref="FindAsync"/>, then not active (409) or another's (403).</summary>
    private static async Task<(Handoff? Handoff, ProblemHttpResult? Problem)> FindYoursAsync(string id, string agent, AgentDesk desk, CancellationToken cancellationToken)
    {
        var (handoff, problem) = await FindAsync(id, desk, cancellationToken);
        return handoff is null ? (null, problem) : (handoff, Refusal(handoff, agent));
    }

    private static ProblemHttpResult? Refusal(Handoff handoff, string agent) => handoff.Status switch
    {
        HandoffStatus.Waiting => Conflict("This handoff is waiting: accept it first."),
        HandoffStatus.Ended => Conflict("This handoff has ended."),
        _ when handoff.Agent != agent => NotYours(),
        _ => null,
    };

    /// <summary>A handoff id as the stores make them; anything else is a 400, not a lookup.</summary>
    internal static ProblemHttpResult? BadId(string id) =>
        HandoffId().IsMatch(id) ? null : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "id is a handoff's id: 1 to 64 letters, digits, '_' or '-'.");

    /// <summary>The handoff a URL names, or why not: 400 for an id of the wrong shape, 404 for an unknown one.</summary>
    internal static async Task<(Handoff? Handoff, ProblemHttpResult? Problem)> FindAsync(string id, AgentDesk desk, CancellationToken cancellationToken)
    {
        if (BadId(id) is { } bad)
        {
            return (null, bad);
        }

        var handoff = await desk.Store.FindAsync(id, cancellationToken);
        return handoff is null ? (null, NoSuchHandoff(id)) : (handoff, null);
    }

    private static ProblemHttpResult NoSuchHandoff(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no handoff '{id}'.");

    private static ProblemHttpResult NotYours() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Another agent holds this handoff.");

    private static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: detail);

    private static string Shown(JsonElement value) => Cut(value.GetRawText());

    private static string Cut(string text) => text.Length > 40 ? text[..40] + "…" : text;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex HandoffId();
}
