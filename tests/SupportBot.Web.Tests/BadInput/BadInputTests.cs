using SupportBot.Testing;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>Bad bodies thrown at <c>POST /api/messages</c>.</summary>
[Collection(WebHostCollection.Name)]
public sealed class BotMessagesBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadInputEndpoints.Matrix(BadInputEndpoints.BotFramework);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_body_is_a_4xx_that_stores_nothing_or_a_valid_input_taken_clean(string endpoint, string badBody) =>
        BadInputCheck.SendAndCheckAsync(host, endpoint, badBody);
}

/// <summary>Bad bodies thrown at the KakaoTalk skill (<c>POST /api/kakao/skill</c>).</summary>
[Collection(WebHostCollection.Name)]
public sealed class KakaoSkillBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadInputEndpoints.Matrix(BadInputEndpoints.Kakao);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_body_is_a_4xx_that_stores_nothing_or_a_valid_input_taken_clean(string endpoint, string badBody) =>
        BadInputCheck.SendAndCheckAsync(host, endpoint, badBody);
}

/// <summary>Bad bodies thrown at the Direct Line 3.0 endpoints and the Web Chat token endpoint.</summary>
[Collection(WebHostCollection.Name)]
public sealed class DirectLineBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadInputEndpoints.Matrix(BadInputEndpoints.DirectLine);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_body_is_a_4xx_that_stores_nothing_or_a_valid_input_taken_clean(string endpoint, string badBody) =>
        BadInputCheck.SendAndCheckAsync(host, endpoint, badBody);
}

/// <summary>Bad bodies thrown at the help-desk REST API (<c>/api/v1</c>), with a valid API key.</summary>
[Collection(WebHostCollection.Name)]
public sealed class HelpDeskApiBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadInputEndpoints.Matrix(BadInputEndpoints.HelpDeskApi);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_body_is_a_4xx_that_stores_nothing_or_a_valid_input_taken_clean(string endpoint, string badBody) =>
        BadInputCheck.SendAndCheckAsync(host, endpoint, badBody);
}

/// <summary>Bad bodies thrown at the dashboard's API (<c>/admin/api</c>), signed in and with the page's antiforgery token.</summary>
[Collection(WebHostCollection.Name)]
public sealed class AdminApiBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadInputEndpoints.Matrix(BadInputEndpoints.AdminApi);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_body_is_a_4xx_that_stores_nothing_or_a_valid_input_taken_clean(string endpoint, string badBody) =>
        BadInputCheck.SendAndCheckAsync(host, endpoint, badBody);
}

/// <summary>Bad bodies thrown at the agent API (<c>/api/v1/agents</c>, <c>/api/v1/handoffs</c>), with an agent's key holding the handoff.</summary>
[Collection(WebHostCollection.Name)]
public sealed class AgentApiBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadInputEndpoints.Matrix(BadInputEndpoints.AgentApi);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_body_is_a_4xx_that_stores_nothing_or_a_valid_input_taken_clean(string endpoint, string badBody) =>
        BadInputCheck.SendAndCheckAsync(host, endpoint, badBody);
}

/// <summary>Bad query and path values thrown at the reading endpoints of the REST API, the dashboard and Direct Line.</summary>
[Collection(WebHostCollection.Name)]
public sealed class QueryBadInputTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string, string> Cases => BadQueries.Matrix();

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_query_value_is_never_a_5xx_and_stores_nothing(string endpoint, string badValue) =>
        BadInputCheck.ReadAndCheckAsync(host, endpoint, badValue);
}

/// <summary>The same bad query and path values on a host whose store is PostgreSQL.</summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlQueryBadInputTests(PostgreSqlBadInputHost host) : IClassFixture<PostgreSqlBadInputHost>
{
    public static TheoryData<string, string> Cases => BadQueries.Matrix();

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_query_value_is_never_a_5xx(string endpoint, string badValue) =>
        BadInputCheck.ReadAndCheckAsync(host, endpoint, badValue);
}
