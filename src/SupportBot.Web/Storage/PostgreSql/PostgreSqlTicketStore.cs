using System.Data.Common;
using System.Text.Json;
using static SupportBot.Web.Storage.TicketTables;
using Npgsql;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Tickets in PostgreSQL, shared by every replica. A ticket change and its webhook event (written
/// by <see cref="PostgreSqlTicketOutbox.RecordAsync"/> on the change's connection) commit in one transaction.
/// </summary>
public sealed class PostgreSqlTicketStore(PostgreSqlDatabase database, PostgreSqlTicketOutbox outbox, TimeProvider? time = null) : ITicketStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

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
        await outbox.RecordAsync(connection, sequence, TicketEvents.New(TicketEvents.Created, created, null, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Recorded();
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

        await outbox.RecordAsync(connection, sequence, TicketEvents.New(TicketEvents.Updated, after, changes, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Recorded();
        return after;
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

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
