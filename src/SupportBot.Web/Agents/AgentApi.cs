using SupportBot.Web.HelpDesk;
using SupportBot.Web.Http;

namespace SupportBot.Web.Agents;

/// <summary>
/// The agent API for help-desk products that bring their own agent UI (<c>/api/v1/agents</c>,
/// <c>/api/v1/handoffs</c>): presence, the queue, accept, the conversation's activities as a long
/// poll, post, end. Only an <c>agent</c> key opens it, and its name is the agent's.
/// </summary>
public static class AgentApi
{
    public const string AgentsRoute = "/api/v1/agents";
    public const string HandoffsRoute = "/api/v1/handoffs";

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder endpoints)
    {
        AgentEndpoints.MapHandlers(Group(endpoints, AgentsRoute), Group(endpoints, HandoffsRoute));
        return endpoints;
    }

    private static RouteGroupBuilder Group(IEndpointRouteBuilder endpoints, string route)
    {
        var group = endpoints.MapGroup(route)
            .WithTags("Agents")
            .RequireApiKey(ApiKeyScope.Agent)
            .RequireRateLimiting(RateLimits.HelpDeskApi)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.TouchPresence();
        return group;
    }
}
