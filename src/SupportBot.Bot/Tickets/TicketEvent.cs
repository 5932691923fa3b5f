using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SupportBot.Bot.Tickets;

/// <summary>A webhook event in the outbox: its id (for de-duplication), the exact JSON body to send, and how delivery went.</summary>
public sealed record TicketEvent(
    string Id,
    string Type,
    string TicketNumber,
    string Payload,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? DeadAt,
    string? LastError)
{
    public string State => DeliveredAt is not null ? TicketEventState.Delivered : DeadAt is not null ? TicketEventState.Dead : TicketEventState.Pending;
}

/// <summary>Where an outbox event is: waiting (or being retried), delivered, or dead (given up after the last attempt).</summary>
public static class TicketEventState
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Dead];
}

/// <summary>The events a ticket change produces and their JSON body, the same from every store.</summary>
public static class TicketEvents
{
    public const string Created = "ticket.created";
    public const string Updated = "ticket.updated";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { TicketView.WithoutUser } },
    };

    /// <summary>A new pending event, due at once. The body is fixed now: every retry sends the same bytes.</summary>
    public static TicketEvent New(string type, Ticket ticket, IReadOnlyDictionary<string, FieldChange>? changes, DateTimeOffset now)
    {
        var id = $"evt_{Guid.CreateVersion7(now):N}";
        var body = new EventBody(
            id,
            type,
            now.ToUniversalTime(),
            TicketView.From(ticket) with { CreatedAt = ticket.CreatedAt.ToUniversalTime(), UpdatedAt = ticket.UpdatedAt.ToUniversalTime() },
            changes);
        return new TicketEvent(id, type, ticket.Number, JsonSerializer.Serialize(body, Json), now, 0, now, null, null, null);
    }

    /// <summary>What changed in an update, field by field (only the fields that did).</summary>
    public static Dictionary<string, FieldChange> Changes(Ticket before, Ticket after)
    {
        var changes = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        if (before.Status != after.Status)
        {
            changes["status"] = new FieldChange(before.Status, after.Status);
        }

        if (before.Assignee != after.Assignee)
        {
            changes["assignee"] = new FieldChange(before.Assignee, after.Assignee);
        }

        return changes;
    }

    private sealed record EventBody(
        string Id,
        string Type,
        DateTimeOffset CreatedAt,
        TicketView Ticket,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, FieldChange>? Changes);
}

/// <summary>One field's value before and after an update.</summary>
public sealed record FieldChange(string? From, string? To);

/// <summary>Wakes whoever waits for the next event; a waiter reads <see cref="Next"/> before it looks, so no event is missed.</summary>
public sealed class EventSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
