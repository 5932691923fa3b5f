using System.Data.Common;
using Microsoft.Data.Sqlite;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Channels.DirectLine.History;
using static SupportBot.Web.Storage.HandoffTables;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>
/// Live handoffs, their logs and agents' presence in the bot's SQLite file (tables in <see cref="SqliteSchema"/>).
/// Every write is one job of the file's single writer, so a check and the change it decides
/// (queue once per conversation, accept once) are one transaction; readers are woken after the commit.
/// </summary>
public sealed class SqliteHandoffStore(SqliteDatabase database, IConversationNotifier? notifier = null) : IHandoffStore
{
    public async Task<Handoff> QueueAsync(NewHandoff handoff, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var (result, queued) = await database.Writer.WriteAsync(
            batch =>
            {
                var open = batch.Command($"SELECT {Columns} FROM handoffs WHERE channel_id = $channel AND conversation_id = $conversation AND {Open}");
                open.Parameters.AddWithValue("$channel", handoff.ChannelId);
                open.Parameters.AddWithValue("$conversation", handoff.ConversationId);
                if (ReadOne(open) is { } existing)
                {
                    return (existing, false);
                }

                var created = new Handoff(
                    Guid.NewGuid().ToString("N"), HandoffStatus.Waiting, handoff.ChannelId, handoff.ConversationId, handoff.UserId, handoff.UserName,
                    handoff.Language, handoff.ConversationReference, now, [.. handoff.Questions]);
                var insert = batch.Command("""
                    INSERT INTO handoffs (id, status, channel_id, conversation_id, user_id, user_name, language, conversation_reference, waiting_since, questions)
                    VALUES ($id, $status, $channel, $conversation, $user, $userName, $language, $reference, $since, $questions)
                    """);
                insert.Parameters.AddWithValue("$id", created.Id);
                insert.Parameters.AddWithValue("$status", created.Status);
                insert.Parameters.AddWithValue("$channel", created.ChannelId);
                insert.Parameters.AddWithValue("$conversation", created.ConversationId);
                insert.Parameters.AddWithValue("$user", (object?)created.UserId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$userName", (object?)created.UserName ?? DBNull.Value);
                insert.Parameters.AddWithValue("$language", created.Language);
                insert.Parameters.AddWithValue("$reference", created.ConversationReference);
                insert.Parameters.AddWithValue("$since", SqliteDatabase.FormatTimestamp(now));
                insert.Parameters.AddWithValue("$questions", SerializeQuestions(created.Questions));
                insert.ExecuteNonQuery();
                return (created, true);
            },
            cancellationToken);
        if (queued)
        {
            notifier?.Publish(HandoffNotifications.Queue, 0);
        }

        return result;
    }

    public Task<Handoff?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        QueryOneAsync($"SELECT {Columns} FROM handoffs WHERE id = $id", cancellationToken, ("$id", id));

    public Task<Handoff?> FindOpenAsync(string channelId, string conversationId, CancellationToken cancellationToken = default) =>
        QueryOneAsync(
            $"SELECT {Columns} FROM handoffs WHERE channel_id = $channel AND conversation_id = $conversation AND {Open}",
            cancellationToken,
            ("$channel", channelId),
            ("$conversation", conversationId));

    public Task<IReadOnlyList<Handoff>> ListAsync(string status, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM handoffs WHERE status = $status ORDER BY {Order(status)} LIMIT $limit", cancellationToken, ("$status", status), ("$limit", limit));

    public async Task<int?> PlaceAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*) FROM handoffs h JOIN handoffs w ON w.status = 'waiting'
                AND (w.waiting_since < h.waiting_since OR (w.waiting_since = h.waiting_since AND w.seq <= h.seq))
            WHERE h.id = $id AND h.status = 'waiting'
            """;
        command.Parameters.AddWithValue("$id", id);
        var place = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return place > 0 ? place : null;
    }

    public Task<HandoffChange> AcceptAsync(string id, string agent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            batch =>
            {
                var update = batch.Command($"UPDATE handoffs SET status = 'active', agent = $agent, accepted_at = $now WHERE id = $id AND status = 'waiting' RETURNING {Columns}");
                update.Parameters.AddWithValue("$id", id);
                update.Parameters.AddWithValue("$agent", agent);
                update.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                return ReadOne(update) is { } accepted ? new HandoffChange(HandoffChangeResult.Changed, accepted) : RefusedAccept(Find(batch, id), agent);
            },
            cancellationToken);

    public Task<HandoffChange> EndAsync(string id, string reason, string? agent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            batch =>
            {
                var update = batch.Command($"""
                    UPDATE handoffs SET status = 'ended', ended_at = $now, end_reason = $reason
                    WHERE id = $id AND {Open} AND ($agent IS NULL OR (status = 'active' AND agent = $agent))
                    RETURNING {Columns}
                    """);
                update.Parameters.AddWithValue("$id", id);
                update.Parameters.AddWithValue("$reason", reason);
                update.Parameters.AddWithValue("$agent", (object?)agent ?? DBNull.Value);
                update.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                return ReadOne(update) is { } ended ? new HandoffChange(HandoffChangeResult.Changed, ended) : RefusedEnd(Find(batch, id));
            },
            cancellationToken);

    public Task<IReadOnlyList<Handoff>> ListWaitingSinceAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM handoffs WHERE status = 'waiting' AND waiting_since < $before ORDER BY waiting_since, seq LIMIT $limit",
            cancellationToken,
            ("$before", SqliteDatabase.FormatTimestamp(before)),
            ("$limit", limit));

    public Task<bool> RateAsync(string id, int score, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 5);
        return database.Writer.WriteAsync(
            batch =>
            {
                var update = batch.Command("UPDATE handoffs SET satisfaction = $score WHERE id = $id AND status = 'ended' AND satisfaction IS NULL");
                update.Parameters.AddWithValue("$id", id);
                update.Parameters.AddWithValue("$score", score);
                return update.ExecuteNonQuery() == 1;
            },
            cancellationToken);
    }

    public async Task<long> AppendAsync(string id, string activityJson, CancellationToken cancellationToken = default)
    {
        var watermark = await database.Writer.WriteAsync(
            batch =>
            {
                var next = batch.Command("UPDATE handoffs SET last_watermark = last_watermark + 1 WHERE id = $id RETURNING last_watermark");
                next.Parameters.AddWithValue("$id", id);
                if (next.ExecuteScalar() is not long watermark)
                {
                    throw new KeyNotFoundException($"No handoff '{id}'.");
                }

                var insert = batch.Command("INSERT INTO handoff_activities (handoff_id, watermark, activity) VALUES ($id, $watermark, $activity)");
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$watermark", watermark);
                insert.Parameters.AddWithValue("$activity", activityJson);
                insert.ExecuteNonQuery();
                return watermark;
            },
            cancellationToken);
        notifier?.Publish(HandoffNotifications.Activities(id), watermark);
        return watermark;
    }

    public async Task<HandoffActivities> ReadAsync(string id, long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT watermark, activity FROM handoff_activities WHERE handoff_id = $id AND watermark > $after ORDER BY watermark LIMIT $limit";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        var activities = new List<HandoffActivity>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                activities.Add(new HandoffActivity(reader.GetInt64(0), reader.GetString(1)));
            }
        }

        return new HandoffActivities(activities, activities.Count > 0 ? activities[^1].Watermark : Math.Max(after, 0));
    }

    public Task<IReadOnlyList<Handoff>> ListQueuedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM handoffs WHERE waiting_since >= $since ORDER BY waiting_since, seq", cancellationToken, ("$since", SqliteDatabase.FormatTimestamp(since)));

    public Task SetPresenceAsync(string agent, string status, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync(
            batch =>
            {
                var upsert = batch.Command("""
                    INSERT INTO agent_presence (agent, status, last_seen) VALUES ($agent, $status, $now)
                    ON CONFLICT (agent) DO UPDATE SET status = excluded.status, last_seen = excluded.last_seen
                    """);
                upsert.Parameters.AddWithValue("$agent", agent);
                upsert.Parameters.AddWithValue("$status", status);
                upsert.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                upsert.ExecuteNonQuery();
            },
            cancellationToken);

    public Task TouchPresenceAsync(string agent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync(
            batch =>
            {
                var touch = batch.Command("UPDATE agent_presence SET last_seen = $now WHERE agent = $agent");
                touch.Parameters.AddWithValue("$agent", agent);
                touch.Parameters.AddWithValue("$now", SqliteDatabase.FormatTimestamp(now));
                touch.ExecuteNonQuery();
            },
            cancellationToken);

    public async Task<IReadOnlyList<AgentPresence>> ListPresenceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent, status, last_seen FROM agent_presence ORDER BY agent";
        var presence = new List<AgentPresence>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            presence.Add(new AgentPresence(reader.GetString(0), reader.GetString(1), SqliteDatabase.ParseTimestamp(reader.GetString(2))));
        }

        return presence;
    }

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => SqliteDatabase.ParseTimestamp(reader.GetString(ordinal));

    private static Handoff? ReadOne(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader, Time) : null;
    }

    private static Handoff? Find(SqliteWriteBatch batch, string id)
    {
        var find = batch.Command($"SELECT {Columns} FROM handoffs WHERE id = $id");
        find.Parameters.AddWithValue("$id", id);
        return ReadOne(find);
    }

    private async Task<HandoffChange> ChangeAsync(Func<SqliteWriteBatch, HandoffChange> change, CancellationToken cancellationToken)
    {
        var outcome = await database.Writer.WriteAsync(change, cancellationToken);
        if (outcome.Result == HandoffChangeResult.Changed)
        {
            notifier?.Publish(HandoffNotifications.Queue, 0);
        }

        return outcome;
    }

    private async Task<Handoff?> QueryOneAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        (await QueryAsync(sql, cancellationToken, parameters)).FirstOrDefault();

    private async Task<IReadOnlyList<Handoff>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var handoffs = new List<Handoff>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            handoffs.Add(Read(reader, Time));
        }

        return handoffs;
    }
}
