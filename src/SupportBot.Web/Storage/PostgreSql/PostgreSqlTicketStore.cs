using System.Data.Common;
using System.Text.Json;
using static SupportBot.Web.Storage.TicketTables;
using Npgsql;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Tickets and their webhook outbox in PostgreSQL, shared by every replica. A ticket change and
/// its event commit in one transaction; an outbox claim locks the rows it takes with
/// <c>FOR UPDATE SKIP LOCKED</c> and leases them, so two replicas' dispatchers never claim, and so
/// never send, the same event at the same time.
/// </summary>
public sealed class PostgreSqlTicketStore(PostgreSqlDatabase database, TimeProvider? time = null) : ITicketStore, ITicketOutbox
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly EventSignal _signal = new();

    public Task NextEventRecorded => _signal.Next;

    public async Task<Ticket> CreateAsync(NewTicket ticket, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(ticket);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = _time.GetUtcNow();
        await using var insert = connection.Command(
            """
            INSERT INTO tickets (status, assignee, email, summary, reason, channel_id, conversation_id, user_id, user_name, created_at, updated_at, questions, transcript)
            VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)
            RETURNING id
            """,
            TicketStatus.Open,
            ticket.Email,
            ticket.Summary,
            ticket.Reason,
            ticket.Requester.ChannelId,
            ticket.Requester.ConversationId,
            ticket.Requester.UserId,
            ticket.Requester.UserName,
            now.ToUniversalTime(),
            JsonSerializer.Serialize(ticket.Questions, Json),
            JsonSerializer.Serialize(ticket.Transcript, Json));
        var sequence = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;

        var created = TicketRules.Open(TicketNumber.Format(sequence), ticket, now);
        await InsertEventAsync(connection, sequence, TicketEvents.New(TicketEvents.Created, created, null, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _signal.Notify();
        return created;
    }

    public async Task<Ticket?> FindAsync(string number, CancellationToken cancellationToken = default)
    {
        if (!TicketNumber.TryParse(number, out var sequence))
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {TicketColumns} FROM tickets WHERE id = $1", sequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadTicket(reader) : null;
    }

    public async Task<IReadOnlyList<TranscriptLine>?> FindTranscriptAsync(string number, CancellationToken cancellationToken = default)
    {
        if (!TicketNumber.TryParse(number, out var sequence))
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT transcript FROM tickets WHERE id = $1", sequence);
        return await command.ExecuteScalarAsync(cancellationToken) is string transcript
            ? JsonSerializer.Deserialize<List<TranscriptLine>>(transcript, Json) ?? []
            : null;
    }

    public async Task<TicketPage> ListAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        var before = TicketRules.CursorSequence(query.Cursor);
        var limit = TicketRules.Limit(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        // The total over every match comes with each row, from the same snapshot as the page.
        var (filter, values) = Filter(query);
        values.Add(before ?? long.MaxValue);
        values.Add(limit + 1);
        var sql = $"""
            SELECT {TicketColumns}, total FROM (
                SELECT {TicketColumns}, COUNT(*) OVER () AS total FROM tickets {filter}
            ) matching
            WHERE id < ${values.Count - 1}
            ORDER BY id DESC
            LIMIT ${values.Count}
            """;
        await using var page = connection.Command(sql, [.. values]);
        var items = new List<Ticket>();
        long total = 0;
        await using (var reader = await page.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadTicket(reader));
                total = reader.GetInt64(13);
            }
        }

        if (items.Count == 0 && before is not null)
        {
            // A page past the last match still reports how many match.
            await using var count = connection.Command($"SELECT COUNT(*) FROM tickets {filter}", [.. values.Take(values.Count - 2)]);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var hasMore = items.Count > limit;
        items = items.Take(limit).ToList();
        return new TicketPage(items, (int)total, hasMore ? items[^1].Number : null);
    }

    public async Task<RecentTickets> CountCreatedSinceAsync(TicketRequester requester, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var (column, id) = TicketRules.UserKey(requester);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT COUNT(*), MIN(created_at) FROM tickets WHERE created_at >= $1 AND channel_id = $2 AND {column} = $3",
            since.ToUniversalTime(),
            requester.ChannelId,
            id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RecentTickets((int)reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    public async Task<Ticket?> UpdateAsync(string number, TicketChange change, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(change);
        if (!TicketNumber.TryParse(number, out var sequence))
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        // The row is locked from the read to the write: two agents' changes on two replicas apply one after the other.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Ticket? before;
        await using (var find = connection.Command($"SELECT {TicketColumns} FROM tickets WHERE id = $1 FOR UPDATE", sequence))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            before = await reader.ReadAsync(cancellationToken) ? ReadTicket(reader) : null;
        }

        if (before is null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var after = TicketRules.Apply(before, change, now);
        var changes = TicketEvents.Changes(before, after);
        if (changes.Count == 0)
        {
            return before;
        }

        await using (var update = connection.Command("UPDATE tickets SET status = $1, assignee = $2, updated_at = $3 WHERE id = $4", after.Status, after.Assignee, now.ToUniversalTime(), sequence))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertEventAsync(connection, sequence, TicketEvents.New(TicketEvents.Updated, after, changes, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _signal.Notify();
        return after;
    }

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

    private static async Task InsertEventAsync(NpgsqlConnection connection, long ticketSequence, TicketEvent e, CancellationToken cancellationToken)
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

    /// <summary>The WHERE clause for a query's filters ($1, $2, ...) and their values.</summary>
    private static (string Sql, List<object?> Values) Filter(TicketQuery query)
    {
        var conditions = new List<string>();
        var values = new List<object?>();
        void Add(string column, string comparison, object value)
        {
            values.Add(value);
            conditions.Add($"{column} {comparison} ${values.Count}");
        }

        if (query.Status is not null)
        {
            Add("status", "=", query.Status);
        }

        if (query.Assignee is not null)
        {
            Add("assignee", "=", query.Assignee);
        }

        if (query.CreatedFrom is { } from)
        {
            Add("created_at", ">=", from.ToUniversalTime());
        }

        if (query.CreatedTo is { } to)
        {
            Add("created_at", "<", to.ToUniversalTime());
        }

        return (conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions), values);
    }

    private static Ticket ReadTicket(DbDataReader reader) => new(
        TicketNumber.Format(reader.GetInt64(0)),
        reader.GetString(1),
        NullableString(reader, 2),
        reader.GetString(3),
        NullableString(reader, 4),
        reader.GetString(5),
        new TicketRequester(reader.GetString(6), reader.GetString(7), NullableString(reader, 8), NullableString(reader, 9)),
        reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetFieldValue<DateTimeOffset>(11),
        JsonSerializer.Deserialize<List<TicketQuestion>>(reader.GetString(12), Json) ?? []);

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
