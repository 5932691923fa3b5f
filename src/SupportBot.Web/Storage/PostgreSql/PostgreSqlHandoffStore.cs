using System.Data.Common;
using Npgsql;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Channels.DirectLine.History;
using static SupportBot.Web.Storage.HandoffTables;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Live handoffs, their logs and agents' presence in PostgreSQL, shared by every replica. Each
/// change is one conditional statement (<c>UPDATE ... WHERE status = ...</c>), so of two agents
/// accepting at once on any replicas exactly one wins; after the commit the notifier wakes the
/// long polls of every replica (<c>NOTIFY</c>).
/// </summary>
public sealed class PostgreSqlHandoffStore(PostgreSqlDatabase database, IConversationNotifier? notifier = null) : IHandoffStore
{
    public async Task<Handoff> QueueAsync(NewHandoff handoff, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            // The partial unique index decides between two replicas queueing one conversation at once.
            await using (var insert = connection.Command(
                $"""
                INSERT INTO handoffs (id, status, channel_id, conversation_id, user_id, user_name, language, conversation_reference, waiting_since, questions)
                VALUES ($1, 'waiting', $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (channel_id, conversation_id) WHERE {Open} DO NOTHING
                RETURNING {Columns}
                """,
                Guid.NewGuid().ToString("N"),
                handoff.ChannelId,
                handoff.ConversationId,
                handoff.UserId,
                handoff.UserName,
                handoff.Language,
                handoff.ConversationReference,
                now.ToUniversalTime(),
                SerializeQuestions(handoff.Questions)))
            {
                if (await ReadOneAsync(insert, cancellationToken) is { } queued)
                {
                    notifier?.Publish(HandoffNotifications.Queue, 0);
                    return queued;
                }
            }

            // Another one is open; unless it ended in between, when queueing is tried again.
            await using var open = connection.Command(
                $"SELECT {Columns} FROM handoffs WHERE channel_id = $1 AND conversation_id = $2 AND {Open}", handoff.ChannelId, handoff.ConversationId);
            if (await ReadOneAsync(open, cancellationToken) is { } existing)
            {
                return existing;
            }
        }
    }

    public Task<Handoff?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        QueryOneAsync($"SELECT {Columns} FROM handoffs WHERE id = $1", cancellationToken, id);

    public Task<Handoff?> FindOpenAsync(string channelId, string conversationId, CancellationToken cancellationToken = default) =>
        QueryOneAsync($"SELECT {Columns} FROM handoffs WHERE channel_id = $1 AND conversation_id = $2 AND {Open}", cancellationToken, channelId, conversationId);

    public Task<IReadOnlyList<Handoff>> ListAsync(string status, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM handoffs WHERE status = $1 ORDER BY {Order(status)} LIMIT $2", cancellationToken, status, limit);

    public async Task<int?> PlaceAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT count(*) FROM handoffs h JOIN handoffs w ON w.status = 'waiting' AND (w.waiting_since, w.seq) <= (h.waiting_since, h.seq)
            WHERE h.id = $1 AND h.status = 'waiting'
            """,
            id);
        var place = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return place > 0 ? (int)place : null;
    }

    public async Task<HandoffChange> AcceptAsync(string id, string agent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var update = connection.Command(
            $"UPDATE handoffs SET status = 'active', agent = $2, accepted_at = $3 WHERE id = $1 AND status = 'waiting' RETURNING {Columns}",
            id,
            agent,
            now.ToUniversalTime());
        return await ReadOneAsync(update, cancellationToken) is { } accepted
            ? Changed(accepted)
            : RefusedAccept(await FindAsync(connection, id, cancellationToken), agent);
    }

    public async Task<HandoffChange> EndAsync(string id, string reason, string? agent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var update = connection.Command(
            $"""
            UPDATE handoffs SET status = 'ended', ended_at = $4, end_reason = $2
            WHERE id = $1 AND {Open} AND ($3::text IS NULL OR (status = 'active' AND agent = $3::text))
            RETURNING {Columns}
            """,
            id,
            reason,
            agent,
            now.ToUniversalTime());
        return await ReadOneAsync(update, cancellationToken) is { } ended
            ? Changed(ended)
            : RefusedEnd(await FindAsync(connection, id, cancellationToken));
    }

    public Task<IReadOnlyList<Handoff>> ListWaitingSinceAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM handoffs WHERE status = 'waiting' AND waiting_since < $1 ORDER BY waiting_since, seq LIMIT $2",
            cancellationToken,
            before.ToUniversalTime(),
            limit);

    public async Task<bool> RateAsync(string id, int score, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 5);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var update = connection.Command(
            "UPDATE handoffs SET satisfaction = $2 WHERE id = $1 AND status = 'ended' AND satisfaction IS NULL", id, score);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<long> AppendAsync(string id, string activityJson, CancellationToken cancellationToken = default)
    {
        // Raising the handoff's last watermark locks its row until the commit: appends from several
        // replicas get gap-free watermarks in commit order.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var append = connection.Command(
            """
            WITH next AS (UPDATE handoffs SET last_watermark = last_watermark + 1 WHERE id = $1 RETURNING last_watermark)
            INSERT INTO handoff_activities (handoff_id, watermark, activity) SELECT $1, last_watermark, $2 FROM next
            RETURNING watermark
            """,
            id,
            activityJson);
        if (await append.ExecuteScalarAsync(cancellationToken) is not long watermark)
        {
            throw new KeyNotFoundException($"No handoff '{id}'.");
        }

        notifier?.Publish(HandoffNotifications.Activities(id), watermark);
        return watermark;
    }

    public async Task<HandoffActivities> ReadAsync(string id, long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var read = connection.Command(
            "SELECT watermark, activity FROM handoff_activities WHERE handoff_id = $1 AND watermark > $2 ORDER BY watermark LIMIT $3", id, after, limit);
        var activities = new List<HandoffActivity>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                activities.Add(new HandoffActivity(reader.GetInt64(0), reader.GetString(1)));
            }
        }

        return new HandoffActivities(activities, activities.Count > 0 ? activities[^1].Watermark : Math.Max(after, 0));
    }

    public Task<IReadOnlyList<Handoff>> ListQueuedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM handoffs WHERE waiting_since >= $1 ORDER BY waiting_since, seq", cancellationToken, since.ToUniversalTime());

    public async Task SetPresenceAsync(string agent, string status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var upsert = connection.Command(
            """
            INSERT INTO agent_presence (agent, status, last_seen) VALUES ($1, $2, $3)
            ON CONFLICT (agent) DO UPDATE SET status = excluded.status, last_seen = excluded.last_seen
            """,
            agent,
            status,
            now.ToUniversalTime());
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task TouchPresenceAsync(string agent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var touch = connection.Command("UPDATE agent_presence SET last_seen = $2 WHERE agent = $1", agent, now.ToUniversalTime());
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AgentPresence>> ListPresenceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT agent, status, last_seen FROM agent_presence ORDER BY agent COLLATE \"C\"");
        var presence = new List<AgentPresence>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            presence.Add(new AgentPresence(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return presence;
    }

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static async Task<Handoff?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, Time) : null;
    }

    private static async Task<Handoff?> FindAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var find = connection.Command($"SELECT {Columns} FROM handoffs WHERE id = $1", id);
        return await ReadOneAsync(find, cancellationToken);
    }

    private HandoffChange Changed(Handoff handoff)
    {
        notifier?.Publish(HandoffNotifications.Queue, 0);
        return new HandoffChange(HandoffChangeResult.Changed, handoff);
    }

    private async Task<Handoff?> QueryOneAsync(string sql, CancellationToken cancellationToken, params object?[] values) =>
        (await QueryAsync(sql, cancellationToken, values)).FirstOrDefault();

    private async Task<IReadOnlyList<Handoff>> QueryAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(sql, values);
        var handoffs = new List<Handoff>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            handoffs.Add(Read(reader, Time));
        }

        return handoffs;
    }
}
