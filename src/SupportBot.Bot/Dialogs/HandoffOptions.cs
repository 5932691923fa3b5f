using System.ComponentModel.DataAnnotations;

namespace SupportBot.Bot.Dialogs;

/// <summary>The handoff's limit (the <c>Handoff</c> section): each ticket copies the whole transcript to the support team.</summary>
public sealed class HandoffOptions
{
    public const string Section = "Handoff";

    /// <summary>Tickets one user (on one channel) may open per <see cref="TicketWindow"/>; the next is refused with when it can be opened.</summary>
    [Range(1, 1000)]
    public int MaxTicketsPerUser { get; set; } = 3;

    /// <summary>The window of <see cref="MaxTicketsPerUser"/>.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan TicketWindow { get; set; } = TimeSpan.FromHours(1);
}
