namespace SupportBot.Web.Tests.BadInput;

/// <summary>A reading endpoint and the query or path value the suite spoils (<c>{v}</c>, sent percent-encoded as given).</summary>
public sealed record BadQueryEndpoint(string Name, string Path, Caller Caller, ErrorShape Errors)
{
    public override string ToString() => Name;
}

/// <summary>The bad values of the suite for query strings and path segments, and the reading endpoints they go to.</summary>
public static class BadQueries
{
    public const string LongValue = "100k-character value";
    public const string Nul = "%00";
    public const string InvalidUtf8 = "invalid UTF-8 (%FF%FE)";
    public const string LoneSurrogate = "lone surrogate (%ED%A0%80)";
    public const string WrongType = "wrong type";
    public const string Negative = "negative number";
    public const string Duplicate = "parameter given twice";

    public static readonly IReadOnlyList<string> All = [LongValue, Nul, InvalidUtf8, LoneSurrogate, WrongType, Negative, Duplicate];

    public static readonly IReadOnlyList<BadQueryEndpoint> Endpoints =
    [
        new("GET /api/v1/faq/{id}", "/api/v1/faq/{v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets?status", "/api/v1/tickets?status={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets?assignee", "/api/v1/tickets?assignee={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets?createdFrom", "/api/v1/tickets?createdFrom={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets?limit", "/api/v1/tickets?limit={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets?cursor", "/api/v1/tickets?cursor={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets/{number}", "/api/v1/tickets/{v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/tickets/{number}/suggestions?top", "/api/v1/tickets/{ticket}/suggestions?top={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/webhook-events?state", "/api/v1/webhook-events?state={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/webhook-events?limit", "/api/v1/webhook-events?limit={v}", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/conversations/{channelId}/{conversationId}/transcript (channelId)", "/api/v1/conversations/{v}/bad-input-conversation/transcript", Caller.ApiKey, ErrorShape.Problem),
        new("GET /api/v1/conversations/{channelId}/{conversationId}/transcript (conversationId)", "/api/v1/conversations/emulator/{v}/transcript", Caller.ApiKey, ErrorShape.Problem),
        new("GET /admin/conversations?text", "/admin/conversations?text={v}", Caller.SignedInAdmin, ErrorShape.Page),
        new("GET /admin/conversations?from", "/admin/conversations?from={v}", Caller.SignedInAdmin, ErrorShape.Page),
        new("GET /admin/conversations?channel", "/admin/conversations?channel={v}", Caller.SignedInAdmin, ErrorShape.Page),
        new("GET /admin/conversations?ticketNumber", "/admin/conversations?ticketNumber={v}", Caller.SignedInAdmin, ErrorShape.Page),
        new("GET /admin/conversations?pageSize", "/admin/conversations?pageSize={v}", Caller.SignedInAdmin, ErrorShape.Page),
        new("GET /admin/conversations/{channelId}/{conversationId} (conversationId)", "/admin/conversations/directline/{v}", Caller.SignedInAdmin, ErrorShape.Page),
        new("GET /admin/conversations/{channelId}/{conversationId}/transcript (channelId)", "/admin/conversations/{v}/bad-input-conversation/transcript", Caller.SignedInAdmin, ErrorShape.Problem),
        new("GET /admin/api/stats?days", "/admin/api/stats?days={v}", Caller.SignedInAdmin, ErrorShape.Problem),
        new("GET /admin/api/review?days", "/admin/api/review?days={v}", Caller.SignedInAdmin, ErrorShape.Problem),
        new("GET /api/v1/handoffs?status", "/api/v1/handoffs?status={v}", Caller.AgentKey, ErrorShape.Problem),
        new("GET /api/v1/handoffs?limit", "/api/v1/handoffs?limit={v}", Caller.AgentKey, ErrorShape.Problem),
        new("GET /api/v1/handoffs/{id}/activities (id)", "/api/v1/handoffs/{v}/activities?wait=0", Caller.AgentKey, ErrorShape.Problem),
        new("GET /api/v1/handoffs/{id}/activities?watermark", "/api/v1/handoffs/{handoff}/activities?watermark={v}&wait=0", Caller.AgentKey, ErrorShape.Problem),
        new("GET /api/v1/handoffs/{id}/activities?wait", "/api/v1/handoffs/{handoff}/activities?wait={v}", Caller.AgentKey, ErrorShape.Problem),
        new("GET /v3/directline/conversations/{id}?watermark", "/v3/directline/conversations/{conversation}?watermark={v}", Caller.ConversationToken, ErrorShape.DirectLine),
        new("GET /v3/directline/conversations/{id}/activities?watermark", "/v3/directline/conversations/{conversation}/activities?watermark={v}", Caller.ConversationToken, ErrorShape.DirectLine),
    ];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints)
        {
            // A path value cannot be given twice, and a %00 in the path is refused by Kestrel before the app sees it (the test client refuses to send it).
            var inQuery = endpoint.Path.Contains("={v}", StringComparison.Ordinal);
            foreach (var name in All.Where(c => inQuery || c is not (Duplicate or Nul)))
            {
                data.Add(endpoint.Name, name);
            }
        }

        return data;
    }

    public static BadQueryEndpoint Named(string name) => Endpoints.Single(e => e.Name == name);

    /// <summary>The endpoint's path with the case's value in it.</summary>
    public static string Make(string name, BadQueryEndpoint endpoint) => endpoint.Path.Replace("{v}", name switch
    {
        LongValue => new string('x', BadBodies.LongStringLength),
        Nul => "a%00b",
        InvalidUtf8 => "a%FF%FEb",
        LoneSurrogate => "a%ED%A0%80b",
        WrongType => "abc",
        Negative => "-1",
        Duplicate => "1&" + endpoint.Path[(endpoint.Path.LastIndexOf('?') + 1)..endpoint.Path.IndexOf("={v}", StringComparison.Ordinal)] + "=2",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such case."),
    }, StringComparison.Ordinal);
}
