using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage;

/// <summary>
/// The retention deletes, the same for SQLite and PostgreSQL: each statement deletes at most
/// <c>$2</c> rows older than the cutoff <c>$1</c> (SQLite binds the names <c>$1</c>/<c>$2</c>, PostgreSQL the positions).
/// A kind's statements run in order in one short transaction; their counts add up.
/// </summary>
internal static class RetentionSql
{
    /// <summary>The kinds a database provider ages: all of them.</summary>
    public static readonly IReadOnlySet<RetentionKind> Kinds = Enum.GetValues<RetentionKind>().ToHashSet();

    public static IReadOnlyList<string> Statements(RetentionKind kind) => kind switch
    {
        RetentionKind.Transcripts =>
        [
            "DELETE FROM transcript_activities WHERE row_id IN (SELECT row_id FROM transcript_activities WHERE timestamp < $1 LIMIT $2)",
        ],
        RetentionKind.State =>
        [
            "DELETE FROM bot_state WHERE state_key IN (SELECT state_key FROM bot_state WHERE updated_at < $1 LIMIT $2)",
        ],
        RetentionKind.Questions =>
        [
            "DELETE FROM asked_questions WHERE id IN (SELECT id FROM asked_questions WHERE asked_at < $1 LIMIT $2)",
        ],
        // A conversation goes as a whole, by when it started: its activities first (a batch of
        // rows), then the conversations left empty.
        RetentionKind.DirectLine =>
        [
            """
            DELETE FROM directline_activities WHERE (conversation_id, watermark) IN (
                SELECT a.conversation_id, a.watermark FROM directline_activities a
                JOIN directline_conversations c ON c.conversation_id = a.conversation_id
                WHERE c.started_at < $1 LIMIT $2)
            """,
            """
            DELETE FROM directline_conversations WHERE conversation_id IN (
                SELECT c.conversation_id FROM directline_conversations c
                WHERE c.started_at < $1
                AND NOT EXISTS (SELECT 1 FROM directline_activities a WHERE a.conversation_id = c.conversation_id)
                LIMIT $2)
            """,
        ],
        // Only delivered events: a pending or dead one is a webhook the help desk has not received yet.
        RetentionKind.Outbox =>
        [
            "DELETE FROM ticket_events WHERE seq IN (SELECT seq FROM ticket_events WHERE delivered_at IS NOT NULL AND delivered_at < $1 LIMIT $2)",
        ],
        // A ticket goes, with its delivered events, when its last change is older than the cutoff
        // and none of its events is still undelivered.
        RetentionKind.Tickets =>
        [
            """
            DELETE FROM ticket_events WHERE seq IN (
                SELECT e.seq FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                WHERE t.updated_at < $1
                AND NOT EXISTS (SELECT 1 FROM ticket_events u WHERE u.ticket_id = t.id AND u.delivered_at IS NULL)
                LIMIT $2)
            """,
            """
            DELETE FROM tickets WHERE id IN (
                SELECT t.id FROM tickets t
                WHERE t.updated_at < $1
                AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id)
                LIMIT $2)
            """,
        ],
        // An ended handoff goes as a whole, by when it ended: its log first (a batch of rows), then
        // the handoffs left without one. A waiting or active handoff is never aged.
        RetentionKind.Handoffs =>
        [
            """
            DELETE FROM handoff_activities WHERE (handoff_id, watermark) IN (
                SELECT a.handoff_id, a.watermark FROM handoff_activities a
                JOIN handoffs h ON h.id = a.handoff_id
                WHERE h.status = 'ended' AND h.ended_at < $1 LIMIT $2)
            """,
            """
            DELETE FROM handoffs WHERE seq IN (
                SELECT h.seq FROM handoffs h
                WHERE h.status = 'ended' AND h.ended_at < $1
                AND NOT EXISTS (SELECT 1 FROM handoff_activities a WHERE a.handoff_id = h.id)
                LIMIT $2)
            """,
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
