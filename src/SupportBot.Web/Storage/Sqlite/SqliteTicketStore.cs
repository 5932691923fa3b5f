using System.Text.Json;
using static SupportBot.Web.Storage.TicketTables;
using Microsoft.Data.Sqlite;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>
/// Tickets in the bot's SQLite file (tables in <see cref="SqliteSchema"/>). Writes go through the
/// database's single writer; a ticket change and its webhook event (written by
/// <see cref="SqliteTicketOutbox.Record"/> in the same job) commit (or roll back) together.
/// </summary>
public sealed class SqliteTicketStore : ITicketStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteTicketOutbox _outbox;
    private readonly TimeProvider _time;

    public SqliteTicketStore(SqliteDatabase database, SqliteTicketOutbox outbox, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(outbox);
        _database = database;
        _outbox = outbox;
        _time = time ?? TimeProvider.System;
    }

    public async Task<Ticket> CreateAsync(NewTicket ticket, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(ticket);
        var created = await _database.Writer.WriteAsync(
            batch =>
            {
                var now = _time.GetUtcNow();
                var insert = batch.Command("""
                    INSERT INTO tickets (status, assignee, email, summary, reason, channel_id, conversation_id, user_id, user_name, created_at, updated_at, questions, transcript)
                    VALUES ($status, NULL, $email, $summary, $reason, $channelId, $conversationId, $userId, $userName, $now, $now, $questions, $transcript)
                    RETURNING id
                    """);
                insert.Parameters.AddWithValue("$status", TicketStatus.Open);
                insert.Parameters.AddWithValue("$email", ticket.Email);
                insert.Parameters.AddWithValue("$summary", (object?)ticket.Summary ?? DBNull.Value);
                insert.Parameters.AddWithValue("$reason", ticket.Reason);
                insert.Parameters.AddWithValue("$channelId", ticket.Requester.ChannelId);
                insert.Parameters.AddWithValue("$conversationId", ticket.Requester.ConversationId);
                insert.Parameters.AddWithValue("$userId", (object?)ticket.Requester.UserId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$userName", (object?)ticket.Requester.UserName ?? DBNull.Value);
                insert.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                insert.Parameters.AddWithValue("$questions", JsonSerializer.Serialize(ticket.Questions, Json));
                insert.Parameters.AddWithValue("$transcript", JsonSerializer.Serialize(ticket.Transcript, Json));
                var sequence = (long)insert.ExecuteScalar()!;

                var created = TicketRules.Open(TicketNumber.Format(sequence), ticket, now);
                _outbox.Record(batch, sequence, TicketEvents.New(TicketEvents.Created, created, null, now));
                return created;
            },
            cancellationToken);
        _outbox.Recorded();
        return created;
    }

    public async Task<Ticket?> FindAsync(string number, CancellationToken cancellationToken = default)
    {
        if (!TicketNumber.TryParse(number, out var sequence))
        {
            return null;
        }

        await using var connection = await OpenAsync(cancellationToken);
        return await FindAsync(connection, sequence, cancellationToken);
    }

    public async Task<IReadOnlyList<TranscriptLine>?> FindTranscriptAsync(string number, CancellationToken cancellationToken = default)
    {
        if (!TicketNumber.TryParse(number, out var sequence))
        {
            return null;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT transcript FROM tickets WHERE id = $id";
        command.Parameters.AddWithValue("$id", sequence);
        return await command.ExecuteScalarAsync(cancellationToken) is string transcript
            ? JsonSerializer.Deserialize<List<TranscriptLine>>(transcript, Json) ?? []
            : null;
    }

    public async Task<TicketPage> ListAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        var before = TicketRules.CursorSequence(query.Cursor);
        var limit = TicketRules.Limit(query);
        await using var connection = await OpenAsync(cancellationToken);

        // Both statements read one snapshot, so the total and the page agree.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        var filter = Filter(count, query);
        count.CommandText = $"SELECT COUNT(*) FROM tickets {filter}";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        await using var page = connection.CreateCommand();
        page.Transaction = transaction;
        filter = Filter(page, query, before);
        page.CommandText = $"SELECT {TicketColumns} FROM tickets {filter} ORDER BY id DESC LIMIT $limit";
        page.Parameters.AddWithValue("$limit", limit + 1);
        var items = new List<Ticket>();
        await using (var reader = await page.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadTicket(reader));
            }
        }

        var hasMore = items.Count > limit;
        items = items.Take(limit).ToList();
        return new TicketPage(items, total, hasMore ? items[^1].Number : null);
    }

    public async Task<RecentTickets> CountCreatedSinceAsync(TicketRequester requester, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var (column, id) = TicketRules.UserKey(requester);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*), MIN(created_at) FROM tickets WHERE created_at >= $since AND channel_id = $channel AND {column} = $id";
        command.Parameters.AddWithValue("$since", SqliteDatabase.FormatTimestamp(since));
        command.Parameters.AddWithValue("$channel", requester.ChannelId);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RecentTickets(reader.GetInt32(0), reader.IsDBNull(1) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(1)));
    }

    public async Task<Ticket?> UpdateAsync(string number, TicketChange change, CancellationToken cancellationToken = default)
    {
        TicketRules.Validate(change);
        if (!TicketNumber.TryParse(number, out var sequence))
        {
            return null;
        }


        // Read and written in one job of the single writer: two agents' changes apply one after the other.
        var (ticket, changed) = await _database.Writer.WriteAsync(
            batch =>
            {
                var find = batch.Command($"SELECT {TicketColumns} FROM tickets WHERE id = $id");
                find.Parameters.AddWithValue("$id", sequence);
                Ticket? before;
                using (var reader = find.ExecuteReader())
                {
                    before = reader.Read() ? ReadTicket(reader) : null;
                }

                if (before is null)
                {
                    return (null, false);
                }

                var now = _time.GetUtcNow();
                var after = TicketRules.Apply(before, change, now);
                var changes = TicketEvents.Changes(before, after);
                if (changes.Count == 0)
                {
                    return (before, false);
                }

                var update = batch.Command("UPDATE tickets SET status = $status, assignee = $assignee, updated_at = $now WHERE id = $id");
                update.Parameters.AddWithValue("$status", after.Status);
                update.Parameters.AddWithValue("$assignee", (object?)after.Assignee ?? DBNull.Value);
                update.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                update.Parameters.AddWithValue("$id", sequence);
                update.ExecuteNonQuery();
                _outbox.Record(batch, sequence, TicketEvents.New(TicketEvents.Updated, after, changes, now));
                return ((Ticket?)after, true);
            },
            cancellationToken);
        if (changed)
        {
            _outbox.Recorded();
        }

        return ticket;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenConnectionAsync(cancellationToken);

    private static async Task<Ticket?> FindAsync(SqliteConnection connection, long sequence, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TicketColumns} FROM tickets WHERE id = $id";
        command.Parameters.AddWithValue("$id", sequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadTicket(reader) : null;
    }

    /// <summary>The WHERE clause for a query's filters, its parameters added to the command.</summary>
    private static string Filter(SqliteCommand command, TicketQuery query, long? before = null)
    {
        var conditions = new List<string>();
        void Add(string condition, string name, object value)
        {
            conditions.Add(condition);
            command.Parameters.AddWithValue(name, value);
        }

        if (query.Status is not null)
        {
            Add("status = $status", "$status", query.Status);
        }

        if (query.Assignee is not null)
        {
            Add("assignee = $assignee", "$assignee", query.Assignee);
        }

        if (query.CreatedFrom is { } from)
        {
            Add("created_at >= $from", "$from", SqliteDatabase.FormatTimestamp(from));
        }

        if (query.CreatedTo is { } to)
        {
            Add("created_at < $to", "$to", SqliteDatabase.FormatTimestamp(to));
        }

        if (before is { } sequence)
        {
            Add("id < $before", "$before", sequence);
        }

        return conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
    }

    private static Ticket ReadTicket(SqliteDataReader reader) => new(
        TicketNumber.Format(reader.GetInt64(0)),
        reader.GetString(1),
        NullableString(reader, 2),
        reader.GetString(3),
        NullableString(reader, 4),
        reader.GetString(5),
        new TicketRequester(reader.GetString(6), reader.GetString(7), NullableString(reader, 8), NullableString(reader, 9)),
        SqliteDatabase.ParseTimestamp(reader.GetString(10)),
        SqliteDatabase.ParseTimestamp(reader.GetString(11)),
        JsonSerializer.Deserialize<List<TicketQuestion>>(reader.GetString(12), Json) ?? []);

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
