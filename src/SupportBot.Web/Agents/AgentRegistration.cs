using SupportBot.Bot.Handoffs;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Agents;

/// <summary>The agent side of live handoff: the desk both the agent API and the <c>/agent</c> console use, and the console's sign-in.</summary>
public static class AgentRegistration
{
    /// <remarks>HelpDesk:PresenceTimeout (<see cref="LiveChatOptions"/>) is registered by AddLiveChat.</remarks>
    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddScoped<AgentDesk>();  // scoped: the bot's relay is resolved from the request's services
        services.AddAgentAuthentication();
        return services;
    }
}
