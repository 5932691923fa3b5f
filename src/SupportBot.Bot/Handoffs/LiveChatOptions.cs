using System.ComponentModel.DataAnnotations;

namespace SupportBot.Bot.Handoffs;

/// <summary>Live chat with agents (settings of the <c>HelpDesk</c> section): when it is offered, and how long a user waits before getting a ticket instead.</summary>
public sealed class LiveChatOptions
{
    public const string Section = "HelpDesk";

    /// <summary>
    /// When live chat is offered, for example <c>Mon-Fri 09:00-18:00 Asia/Seoul</c>; empty: whenever
    /// an agent is online. Outside these hours the user gets the ticket flow.
    /// </summary>
    public string OfficeHours { get; set; } = string.Empty;

    /// <summary>How long a user waits in the queue before the ticket flow is offered instead.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>An agent not heard from (no console poll, no API call) for this long counts as offline.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
