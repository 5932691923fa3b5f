using Microsoft.Data.Sqlite;
using SupportBot.Bot.Tickets;
using static SupportBot.Web.Storage.TicketTables;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>
/// The webhook outbox in the bot's SQLite file (table <c>ticket_events</c>): the events that
/// <see cref="SqliteTicketStore"/> records with each ticket change, until they are delivered.
/// </summary>
public sealed class SqliteTicketOutbox(SqliteDatabase database) : ITicketOutbox
{
    private readonly SqliteDatabase _database = database;
    private readonly EventSignal _signal = new();

    public Task NextEventRecorded => _signal.Next;

    /// <summary>Writes a ticket change's event in that change's own write job (so both commit or neither); call <see cref="Recorded"/> once the job committed.</summary>
    internal void Record(SqliteWriteBatch batch, long ticketSequence, TicketEvent e)
    {
        var command = batch.Command("""
            INSERT INTO ticket_events (event_id, ticket_id, type, payload, created_at, attempts, next_attempt_at)
            VALUES ($eventId, $ticketId, $type, $payload, $createdAt, 0, $createdAt)
            """);
        command.Parameters.AddWithValue("$eventId", e.Id);
        command.Parameters.AddWithValue("$ticketId", ticketSequence);
        command.Parameters.AddWithValue("$type", e.Type);
        command.Parameters.AddWithValue("$payload", e.Payload);
        command.Parameters.AddWithValue("$createdAt", SqliteDatabase.FormatTimestamp(e.CreatedAt));
        command.ExecuteNonQuery();
    }

    /// <summary>Wakes the dispatcher: an event recorded by <see cref="Record"/> is committed.</summary>
    internal void Recorded() => _signal.Notify();

    public async Task<IReadOnlyList<TicketEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default)
    {
        return await _database.Writer.WriteAsync<IReadOnlyList<TicketEvent>>(
            batch =>
            {
                var select = batch.Command($"""
                    SELECT {EventColumns} FROM ticket_events
                    WHERE {Pending} AND next_attempt_at <= $now
                    ORDER BY next_attempt_at, seq
                    LIMIT $limit
                    """);
                select.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                select.Parameters.AddWithValue("$limit", limit);
                var due = new List<TicketEvent>();
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        due.Add(ReadEvent(reader));
                    }
                }

                var hold = batch.Command("UPDATE ticket_events SET next_attempt_at = $until WHERE event_id = $eventId");
                var until = SqliteDatabase.FormatTimestamp(now + lease);
                foreach (var e in due)
                {
                    hold.Parameters.Clear();
                    hold.Parameters.AddWithValue("$until", until);
                    hold.Parameters.AddWithValue("$eventId", e.Id);
                    hold.ExecuteNonQuery();
                }

                return due;
            },
            cancellationToken);
    }

    public async Task<DateTimeOffset?> NextAttemptAtAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MIN(next_attempt_at) FROM ticket_events WHERE {Pending}";
        return await command.ExecuteScalarAsync(cancellationToken) is string next ? SqliteDatabase.ParseTimestamp(next) : null;
    }

    public async Task RecordDeliveredAsync(string eventId, int attempts, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default)
    {
        await _database.Writer.WriteAsync(
            batch =>
            {
                var command = batch.Command("UPDATE ticket_events SET attempts = $attempts, delivered_at = $at, last_error = NULL WHERE event_id = $eventId");
                command.Parameters.AddWithValue("$attempts", attempts);
                command.Parameters.AddWithValue("$at", SqliteDatabase.FormatTimestamp(deliveredAt));
                command.Parameters.AddWithValue("$eventId", eventId);
                command.ExecuteNonQuery();
            },
            cancellationToken);
    }

    public async Task RecordFailedAsync(string eventId, int attempts, string error, DateTimeOffset? retryAt, DateTimeOffset failedAt, CancellationToken cancellationToken = default)
    {
        await _database.Writer.WriteAsync(
            batch =>
            {
                var command = batch.Command("""
                    UPDATE ticket_events
                    SET attempts = $attempts, last_error = $error,
                        next_attempt_at = COALESCE($retryAt, next_attempt_at),
                        dead_at = CASE WHEN $retryAt IS NULL THEN $failedAt ELSE NULL END
                    WHERE event_id = $eventId
                    """);
                command.Parameters.AddWithValue("$attempts", attempts);
                command.Parameters.AddWithValue("$error", TicketTables.Error(error));
                command.Parameters.AddWithValue("$retryAt", retryAt is { } next ? SqliteDatabase.FormatTimestamp(next) : DBNull.Value);
                command.Parameters.AddWithValue("$failedAt", SqliteDatabase.FormatTimestamp(failedAt));
                command.Parameters.AddWithValue("$eventId", eventId);
                command.ExecuteNonQuery();
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<TicketEvent>> ListEventsAsync(string state, int limit, CancellationToken cancellationToken = default)
    {
        var condition = StateCondition(state);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EventColumns} FROM ticket_events WHERE {condition} ORDER BY seq DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadEventsAsync(command, cancellationToken);
    }

    public async Task<long> CountEventsAsync(string state, CancellationToken cancellationToken = default)
    {
        var condition = StateCondition(state);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM ticket_events WHERE {condition}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<TicketEvent>> ReadEventsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var events = new List<TicketEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    private static TicketEvent ReadEvent(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(2),
        TicketNumber.Format(reader.GetInt64(1)),
        reader.GetString(3),
        SqliteDatabase.ParseTimestamp(reader.GetString(4)),
        reader.GetInt32(5),
        SqliteDatabase.ParseTimestamp(reader.GetString(6)),
        NullableString(reader, 7) is { } delivered ? SqliteDatabase.ParseTimestamp(delivered) : null,
        NullableString(reader, 8) is { } dead ? SqliteDatabase.ParseTimestamp(dead) : null,
        NullableString(reader, 9));

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenConnectionAsync(cancellationToken);

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
