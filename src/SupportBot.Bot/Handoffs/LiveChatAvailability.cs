using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// Whether live chat is offered now: within <c>HelpDesk:OfficeHours</c> (when set), and with at
/// least one agent online and heard from within <c>HelpDesk:PresenceTimeout</c>. Asked only when a
/// user is offered a person, never on an ordinary turn.
/// </summary>
public sealed class LiveChatAvailability(IHandoffStore store, IOptions<LiveChatOptions> options, TimeProvider time)
{
    private readonly Lazy<OfficeHours?> _officeHours = new(() =>
        string.IsNullOrWhiteSpace(options.Value.OfficeHours) ? null : OfficeHours.Parse(options.Value.OfficeHours));

    /// <summary>The agents online now; 0 outside office hours (the store is not asked then).</summary>
    public async Task<int> OnlineAgentsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_officeHours.Value is { } hours && !hours.IsOpen(now))
        {
            return 0;
        }

        var presence = await store.ListPresenceAsync(cancellationToken);
        return presence.Count(p => p.Status == AgentStatus.Online && now - p.LastSeen <= options.Value.PresenceTimeout);
    }
}
