namespace SupportBot.Bot.Handoffs;

/// <summary>
/// The keys under which the stores publish handoff changes on the host's conversation notifier
/// (in process, or PostgreSQL <c>NOTIFY</c> across replicas): a long poll waits on them.
/// </summary>
public static class HandoffNotifications
{
    /// <summary>Published with the new watermark when a handoff's log grows.</summary>
    public static string Activities(string handoffId) => "handoff/" + handoffId;

    /// <summary>Published (watermark 0) when the queue changes: queued, accepted, ended.</summary>
    public const string Queue = "handoff/queue";
}
