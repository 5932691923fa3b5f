namespace SupportBot.Web.Storage.Sqlite;

/// <summary>A column <see cref="SqliteSchema"/> added to an existing table: its table, name and SQL type and constraint.</summary>
public sealed record SqliteAddedColumn(string Table, string Column, string Definition);

/// <summary>Every table of the SQLite file, in one list, created by <see cref="SqliteDatabase"/> on its first connection (<c>CREATE ... IF NOT EXISTS</c>).</summary>
/// <remarks>
/// A new SQLite store adds its tables here, never in its own class, so one read shows the whole
/// file. Times are <see cref="SqliteDatabase.FormatTimestamp"/>'s fixed-width UTC text, so text
/// comparison orders and filters by time.
/// </remarks>
public static class SqliteSchema
{
    /// <summary>The whole schema, one script.</summary>
    public const string Tables = BotState + Tickets + AskedQuestions + DirectLine + Handoffs;

    /// <summary>
    /// Columns added to a table after files with it were in use: <c>CREATE TABLE IF NOT EXISTS</c>
    /// leaves an older file's table as it was, so each is added (<c>ALTER TABLE ... ADD COLUMN</c>)
    /// where missing, after <see cref="Tables"/>. Each is in its table's <c>CREATE TABLE</c> too; never remove one.
    /// </summary>
    public static IReadOnlyList<SqliteAddedColumn> AddedColumns { get; } =
    [
        new("asked_questions", "channel_id", "TEXT NULL"),
    ];

    // WAL lets readers run while one writer writes, and is a property of the file, so it is set once.
    private const string BotState = """
        PRAGMA journal_mode = WAL;

        CREATE TABLE IF NOT EXISTS bot_state (
            state_key TEXT NOT NULL PRIMARY KEY,
            etag TEXT NULL,
            document TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS transcript_activities (
            row_id INTEGER PRIMARY KEY AUTOINCREMENT,
            channel_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            activity_id TEXT NULL,
            timestamp TEXT NOT NULL,
            activity TEXT NOT NULL
        );

        CREATE INDEX IF NOT EXISTS transcript_activities_by_conversation
            ON transcript_activities (channel_id, conversation_id);

        -- The retention sweep's batches find expired activities without a scan.
        CREATE INDEX IF NOT EXISTS transcript_activities_by_time ON transcript_activities (timestamp);

        """;

    // The sequence (AUTOINCREMENT: never reused, even after a delete) is the ticket number.
    private const string Tickets = """
        CREATE TABLE IF NOT EXISTS tickets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            status TEXT NOT NULL,
            assignee TEXT NULL,
            email TEXT NOT NULL,
            summary TEXT NULL,
            reason TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            user_id TEXT NULL,
            user_name TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            questions TEXT NOT NULL,
            transcript TEXT NOT NULL
        );

        CREATE INDEX IF NOT EXISTS tickets_by_created_at ON tickets (created_at);

        CREATE TABLE IF NOT EXISTS ticket_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            ticket_id INTEGER NOT NULL REFERENCES tickets (id),
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            delivered_at TEXT NULL,
            dead_at TEXT NULL,
            last_error TEXT NULL
        );

        CREATE INDEX IF NOT EXISTS ticket_events_due ON ticket_events (next_attempt_at)
            WHERE delivered_at IS NULL AND dead_at IS NULL;

        """;

    // The admin dashboard's question log.
    private const string AskedQuestions = """
        CREATE TABLE IF NOT EXISTS asked_questions (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            text TEXT NOT NULL,
            language TEXT NULL,
            outcome TEXT NOT NULL,
            entry_id TEXT NULL,
            score REAL NOT NULL,
            closest_entry_id TEXT NULL,
            feedback TEXT NULL,
            reviewed_as TEXT NULL,
            channel_id TEXT NULL
        );

        CREATE INDEX IF NOT EXISTS asked_questions_by_time ON asked_questions (asked_at);

        """;

    // The self-hosted Direct Line's conversations and their activities, by watermark.
    private const string DirectLine = """
        CREATE TABLE IF NOT EXISTS directline_conversations (
            conversation_id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            last_watermark INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE IF NOT EXISTS directline_activities (
            conversation_id TEXT NOT NULL REFERENCES directline_conversations (conversation_id),
            watermark INTEGER NOT NULL,
            activity TEXT NOT NULL,
            PRIMARY KEY (conversation_id, watermark)
        ) WITHOUT ROWID;

        """;

    // Live handoffs: at most one open (waiting or active) per conversation, their activity logs by
    // watermark (the handoff's row holds the last), and the agents' presence.
    private const string Handoffs = """
        CREATE TABLE IF NOT EXISTS handoffs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            user_id TEXT NULL,
            user_name TEXT NULL,
            language TEXT NOT NULL,
            conversation_reference TEXT NOT NULL,
            waiting_since TEXT NOT NULL,
            questions TEXT NOT NULL,
            agent TEXT NULL,
            accepted_at TEXT NULL,
            ended_at TEXT NULL,
            end_reason TEXT NULL,
            satisfaction INTEGER NULL,
            last_watermark INTEGER NOT NULL DEFAULT 0
        );

        CREATE UNIQUE INDEX IF NOT EXISTS handoffs_open_per_conversation ON handoffs (channel_id, conversation_id)
            WHERE status IN ('waiting', 'active');

        CREATE INDEX IF NOT EXISTS handoffs_by_waiting_since ON handoffs (waiting_since);

        CREATE INDEX IF NOT EXISTS handoffs_by_ended_at ON handoffs (ended_at) WHERE ended_at IS NOT NULL;

        CREATE TABLE IF NOT EXISTS handoff_activities (
            handoff_id TEXT NOT NULL REFERENCES handoffs (id),
            watermark INTEGER NOT NULL,
            activity TEXT NOT NULL,
            PRIMARY KEY (handoff_id, watermark)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS agent_presence (
            agent TEXT NOT NULL PRIMARY KEY,
            status TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );

        """;
}
