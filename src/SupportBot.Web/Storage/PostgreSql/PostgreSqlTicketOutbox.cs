using System.Data.Common;
using Npgsql;
using SupportBot.Bot.Tickets;
using static SupportBot.Web.Storage.TicketTables;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// The webhook outbox in PostgreSQL (table <c>ticket_events</c>), shared by every replica: the
/// events <see cref="PostgreSqlTicketStore"/> records with each ticket change. A claim locks the
/// rows it takes with <c>FOR UPDATE SKIP LOCKED</c> and leases them, so two replicas' dispatchers
/// never claim, and so never send, the same event at the same time.
/// </summary>
public sealed class PostgreSqlTicketOutbox(PostgreSqlDatabase database) : ITicketOutbox
{
    private readonly EventSignal _signal = new();

    public Task NextEventRecorded => _signal.Next;

    /// <summary>Writes a ticket change's event on that change's connection, inside its open transaction; call <see cref="Recorded"/> once it committed.</summary>
    internal async Task RecordAsync(NpgsqlConnection connection, long ticketSequence, TicketEvent e, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            """
            INSERT INTO ticket_events (event_id, ticket_id, type, payload, created_at, attempts, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, 0, $5)
            """,
            e.Id,
            ticketSequence,
            e.Type,
            e.Payload,
            e.CreatedAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Wakes this process's dispatcher: an event recorded by <see cref="RecordAsync"/> is committed.</summary>
    internal void Recorded() => _signal.Notify();

    public async Task<IReadOnlyList<TicketEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default)
    {
        // One statement: rows another replica is claiming right now are skipped, not waited for,
        // and the claimed ones are pushed past the lease before the locks are released. The
        // events come back as they were when claimed (their due time, not the lease's end).
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            WITH due AS (
                SELECT seq, next_attempt_at AS due_at FROM ticket_events
                WHERE {Pending} AND next_attempt_at <= $1
                ORDER BY next_attempt_at, seq
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            )
            UPDATE ticket_events e SET next_attempt_at = $2
            FROM due WHERE e.seq = due.seq
            RETURNING e.event_id, e.ticket_id, e.type, e.payload, e.created_at, e.attempts, due.due_at, e.delivered_at, e.dead_at, e.last_error, e.seq
            """,
            now.ToUniversalTime(),
            (now + lease).ToUniversalTime(),
            limit);
        var claimed = new List<(TicketEvent Event, long Seq)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add((ReadEvent(reader), reader.GetInt64(10)));
        }

        return claimed.OrderBy(c => c.Event.NextAttemptAt).ThenBy(c => c.Seq).Select(c => c.Event).ToList();
    }

    public async Task<DateTimeOffset?> NextAttemptAtAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command($"SELECT MIN(next_attempt_at) FROM ticket_events WHERE {Pending}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
    }

    public async Task RecordDeliveredAsync(string eventId, int attempts, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE ticket_events SET attempts = $1, delivered_at = $2, last_error = NULL WHERE event_id = $3",
            attempts,
            deliveredAt.ToUniversalTime(),
            eventId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordFailedAsync(string eventId, int attempts, string error, DateTimeOffset? retryAt, DateTimeOffset failedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            """
            UPDATE ticket_events
            SET attempts = $1, last_error = $2,
                next_attempt_at = COALESCE($3::timestamptz, next_attempt_at),
                dead_at = CASE WHEN $3::timestamptz IS NULL THEN $4 ELSE NULL END
            WHERE event_id = $5
            """,
            attempts,
            TicketTables.Error(error),
            retryAt?.ToUniversalTime(),
            failedAt.ToUniversalTime(),
            eventId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TicketEvent>> ListEventsAsync(string state, int limit, CancellationToken cancellationToken = default)
    {
        var condition = StateCondition(state);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {EventColumns} FROM ticket_events WHERE {condition} ORDER BY seq DESC LIMIT $1", limit);
        var events = new List<TicketEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    public async Task<long> CountEventsAsync(string state, CancellationToken cancellationToken = default)
    {
        var condition = StateCondition(state);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command($"SELECT COUNT(*) FROM ticket_events WHERE {condition}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static TicketEvent ReadEvent(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(2),
        TicketNumber.Format(reader.GetInt64(1)),
        reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetInt32(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        NullableString(reader, 9));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
