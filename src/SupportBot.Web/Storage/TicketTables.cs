using System.Text.Json;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage;

/// <summary>The ticket tables as every database store reads them: the same columns in the same order, the same JSON in the text columns.</summary>
public static class TicketTables
{
    public const string TicketColumns =
        "id, status, assignee, email, summary, reason, channel_id, conversation_id, user_id, user_name, created_at, updated_at, questions";

    public const string EventColumns =
        "event_id, ticket_id, type, payload, created_at, attempts, next_attempt_at, delivered_at, dead_at, last_error";

    /// <summary>The condition of an event still to be delivered.</summary>
    public const string Pending = "delivered_at IS NULL AND dead_at IS NULL";

    /// <summary>The condition of the events in one <see cref="TicketEventState"/>.</summary>
    public static string StateCondition(string state) => state switch
    {
        TicketEventState.Pending => Pending,
        TicketEventState.Delivered => "delivered_at IS NOT NULL",
        TicketEventState.Dead => "dead_at IS NOT NULL",
        _ => throw new ArgumentException($"'{state}' is not an event state.", nameof(state)),
    };

    /// <summary>How the questions and the transcript are kept in their text columns.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const int MaxErrorLength = 500;

    /// <summary>A delivery error as kept with its event: its first 500 characters.</summary>
    public static string Error(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
}
