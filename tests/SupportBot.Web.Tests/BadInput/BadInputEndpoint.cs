using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>Who calls an endpoint in the suite: the credential each endpoint legitimately needs, so that the body is what gets judged.</summary>
public enum Caller
{
    Anyone,
    DirectLineSecret,
    ConversationToken,
    ApiKey,
    SignedInAdmin,

    /// <summary>An agent's API key (scope agent), holding the host's handoff.</summary>
    AgentKey,
}

/// <summary>How an endpoint writes a refusal: a ProblemDetails, Direct Line 3.0's <c>{"error": {"code", "message"}}</c> that its clients read, or an admin HTML page whose form says what is wrong (<c>role="alert"</c>).</summary>
public enum ErrorShape
{
    Problem,
    DirectLine,
    Page,
}

/// <summary>
/// A JSON endpoint under test: a valid body (the suite spoils it), the string field that carries
/// the spoiled text, the field that gets the huge array, and the cases it may take with a 2xx,
/// each with the reason it is right to take it.
/// </summary>
public sealed record BadInputEndpoint(
    string Name,
    string Method,
    string Path,
    Caller Caller,
    ErrorShape Errors,
    string Valid,
    string TextField,
    string ArrayField,
    IReadOnlyDictionary<string, string> Accepts)
{
    /// <summary>Cases this endpoint is not sent, with the reason (e.g. a valid body would start a retraining).</summary>
    public IReadOnlySet<string> NotSent { get; init; } = new HashSet<string>();

    public JsonObject ValidBody() => JsonNode.Parse(Valid)!.AsObject();

    public override string ToString() => Name;
}

/// <summary>Every JSON endpoint of the host, by group (one host per group).</summary>
public static class BadInputEndpoints
{
    /// <summary>An endpoint that reads no body takes a well-formed JSON object and ignores it, as it takes no body at all.</summary>
    private static readonly Dictionary<string, string> IgnoredBody = BadBodies.WellFormed.ToDictionary(
        c => c,
        _ => "the endpoint reads no body: a well-formed JSON object (or none) is ignored, nothing is stored from it");

    private const string LongTextIsValid = "100,000 characters of text is valid JSON under Api:MaxRequestBodyBytes; how much of it is read is Bot:MaxMessageLength's work";

    public static readonly BadInputEndpoint BotMessages = new(
        "POST /api/messages",
        "POST",
        "/api/messages",
        Caller.Anyone,
        ErrorShape.Problem,
        """
        {"type": "message", "id": "bad-input-1", "text": "hello", "channelId": "emulator", "serviceUrl": "http://127.0.0.1:9",
         "deliveryMode": "expectReplies", "from": {"id": "bad-input-user", "name": "User"}, "recipient": {"id": "bot", "name": "Bot"},
         "conversation": {"id": "bad-input-conversation"}, "locale": "en-US", "entities": []}
        """,
        "text",
        "entities",
        new Dictionary<string, string> { [BadBodies.LongString] = LongTextIsValid });

    public static readonly BadInputEndpoint GenerateToken = new(
        "POST /v3/directline/tokens/generate",
        "POST",
        "/v3/directline/tokens/generate",
        Caller.DirectLineSecret,
        ErrorShape.DirectLine,
        """{"user": {"id": "bad-input-user", "name": "User"}, "locale": "en-US"}""",
        "user.id",
        "user",
        new Dictionary<string, string>
        {
            [BadBodies.NullsEverywhere] = "a null user id, name or locale means none was given: the token gets a new user id (DL 3.0)",
            [BadBodies.EmptyBody] = "the body is optional in DL 3.0",
        });

    public static readonly BadInputEndpoint StartConversation = GenerateToken with
    {
        Name = "POST /v3/directline/conversations",
        Path = "/v3/directline/conversations",
    };

    public static readonly BadInputEndpoint RefreshToken = new(
        "POST /v3/directline/tokens/refresh",
        "POST",
        "/v3/directline/tokens/refresh",
        Caller.ConversationToken,
        ErrorShape.DirectLine,
        """{"user": {"id": "bad-input-user"}}""",
        "user.id",
        "user",
        IgnoredBody);

    public static readonly BadInputEndpoint PostActivity = new(
        "POST /v3/directline/conversations/{id}/activities",
        "POST",
        "/v3/directline/conversations/{conversation}/activities",
        Caller.ConversationToken,
        ErrorShape.DirectLine,
        """
        {"type": "message", "text": "hello", "locale": "en-US", "from": {"id": "bad-input-user", "name": "User"},
         "channelData": {"clientActivityID": "bad-input-1"}, "entities": []}
        """,
        "text",
        "entities",
        new Dictionary<string, string> { [BadBodies.LongString] = LongTextIsValid });

    public static readonly BadInputEndpoint WebChatToken = RefreshToken with
    {
        Name = "POST /api/webchat/token",
        Path = "/api/webchat/token",
        Caller = Caller.Anyone,
        Errors = ErrorShape.Problem,
    };

    public static readonly BadInputEndpoint Answers = new(
        "POST /api/v1/answers",
        "POST",
        "/api/v1/answers",
        Caller.ApiKey,
        ErrorShape.Problem,
        """{"question": "logout fails", "top": 3, "locale": "en"}""",
        "question",
        "question",
        new Dictionary<string, string> { [BadBodies.LongString] = "a long question is valid; answers are computed and nothing is stored" });

    public static readonly BadInputEndpoint UpdateTicket = new(
        "PATCH /api/v1/tickets/{number}",
        "PATCH",
        "/api/v1/tickets/{ticket}",
        Caller.ApiKey,
        ErrorShape.Problem,
        """{"status": "pending", "assignee": "agent"}""",
        "assignee",
        "assignee",
        new Dictionary<string, string>());

    public static readonly BadInputEndpoint AssignQuestions = new(
        "POST /admin/api/review",
        "POST",
        "/admin/api/review",
        Caller.SignedInAdmin,
        ErrorShape.Problem,
        """{"questionIds": ["bad-input-question"], "entryId": "out-of-scope"}""",
        "questionIds.0",
        "questionIds",
        new Dictionary<string, string>());

    public static readonly BadInputEndpoint Retrain = new(
        "POST /admin/api/retrain",
        "POST",
        "/admin/api/retrain",
        Caller.SignedInAdmin,
        ErrorShape.Problem,
        """{"reason": "bad input"}""",
        "reason",
        "reason",
        new Dictionary<string, string>())
    {
        // Ignored like {} (what the dashboard's tests send), and each would start a retraining over the shared model.
        NotSent = BadBodies.WellFormed.ToHashSet(),
    };

    public static readonly BadInputEndpoint KakaoSkill = new(
        "POST /api/kakao/skill",
        "POST",
        "/api/kakao/skill",
        Caller.Anyone,
        ErrorShape.Problem,
        """
        {"intent": {"id": "block-1", "name": "fallback"},
         "userRequest": {"utterance": "hello", "lang": "ko", "timezone": "Asia/Seoul", "block": {"id": "block-1", "name": "fallback"},
                         "user": {"id": "bad-input-kakao-user", "type": "botUserKey", "properties": {}}, "params": {}},
         "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6", "name": "bot"}, "action": {"id": "a1", "name": "skill", "params": {}, "detailParams": {}, "clientExtra": {}},
         "contexts": []}
        """,
        "userRequest.utterance",
        "contexts",
        new Dictionary<string, string>
        {
            [BadBodies.LongString] = LongTextIsValid,
            [BadBodies.HugeArray] = "contexts are taken as any JSON and neither read nor kept; the body is under Api:MaxRequestBodyBytes",
        });

    public static readonly BadInputEndpoint SetPresence = new(
        "PUT /api/v1/agents/me/presence",
        "PUT",
        "/api/v1/agents/me/presence",
        Caller.AgentKey,
        ErrorShape.Problem,
        """{"status": "online"}""",
        "status",
        "status",
        new Dictionary<string, string>());

    public static readonly BadInputEndpoint PostHandoffActivity = new(
        "POST /api/v1/handoffs/{id}/activities",
        "POST",
        "/api/v1/handoffs/{handoff}/activities",
        Caller.AgentKey,
        ErrorShape.Problem,
        """{"type": "message", "text": "hello"}""",
        "text",
        "text",
        new Dictionary<string, string>());

    public static readonly BadInputEndpoint EndHandoff = new(
        "POST /api/v1/handoffs/{id}/end",
        "POST",
        "/api/v1/handoffs/{handoff}/end",
        Caller.AgentKey,
        ErrorShape.Problem,
        """{"reason": "completed"}""",
        "reason",
        "reason",
        new Dictionary<string, string>())
    {
        // No body is a valid end: it would end the handoff the other cases are sent to.
        NotSent = new HashSet<string> { BadBodies.EmptyBody },
    };

    public static readonly IReadOnlyList<BadInputEndpoint> BotFramework = [BotMessages];

    /// <summary>The Kakao skill; the bad-input host runs in Development without <c>Kakao:BotIds</c>, so any bot id may call.</summary>
    public static readonly IReadOnlyList<BadInputEndpoint> Kakao = [KakaoSkill];

    public static readonly IReadOnlyList<BadInputEndpoint> DirectLine = [GenerateToken, StartConversation, RefreshToken, PostActivity, WebChatToken];

    public static readonly IReadOnlyList<BadInputEndpoint> HelpDeskApi = [Answers, UpdateTicket];

    public static readonly IReadOnlyList<BadInputEndpoint> AdminApi = [AssignQuestions, Retrain];

    public static readonly IReadOnlyList<BadInputEndpoint> AgentApi = [SetPresence, PostHandoffActivity, EndHandoff];

    /// <summary>Every case for every endpoint of a group, as theory data.</summary>
    public static TheoryData<string, string> Matrix(IReadOnlyList<BadInputEndpoint> group)
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in group)
        {
            foreach (var name in BadBodies.All.Where(c => !endpoint.NotSent.Contains(c)))
            {
                data.Add(endpoint.Name, name);
            }
        }

        return data;
    }

    public static BadInputEndpoint Named(string name) =>
        BotFramework.Concat(Kakao).Concat(DirectLine).Concat(HelpDeskApi).Concat(AdminApi).Concat(AgentApi).Single(e => e.Name == name);
}
