namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>One versioned change of the PostgreSQL schema; applied once, in version order, never edited once released.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Every table the PostgreSQL stores use, as the list of migrations that builds them.</summary>
/// <remarks>A change to the schema is a new migration at the end of the list, so databases already in use move forward from where they are.</remarks>
public static class PostgreSqlSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "bot state, transcripts, tickets and the webhook outbox, Direct Line history", """
            CREATE TABLE bot_state (
                state_key text PRIMARY KEY,
                etag text NULL,
                document text NOT NULL,
                updated_at timestamptz NOT NULL
            );

            CREATE TABLE transcript_activities (
                row_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                channel_id text NOT NULL,
                conversation_id text NOT NULL,
                activity_id text NULL,
                timestamp timestamptz NOT NULL,
                activity text NOT NULL
            );

            CREATE INDEX transcript_activities_by_conversation ON transcript_activities (channel_id, conversation_id, row_id);

            CREATE TABLE tickets (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                status text NOT NULL,
                assignee text NULL,
                email text NOT NULL,
                summary text NULL,
                reason text NOT NULL,
                channel_id text NOT NULL,
                conversation_id text NOT NULL,
                user_id text NULL,
                user_name text NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                questions text NOT NULL,
                transcript text NOT NULL
            );

            CREATE INDEX tickets_by_created_at ON tickets (created_at);

            CREATE TABLE ticket_events (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id text NOT NULL UNIQUE,
                ticket_id bigint NOT NULL REFERENCES tickets (id),
                type text NOT NULL,
                payload text NOT NULL,
                created_at timestamptz NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                delivered_at timestamptz NULL,
                dead_at timestamptz NULL,
                last_error text NULL
            );

            CREATE INDEX ticket_events_due ON ticket_events (next_attempt_at, seq)
                WHERE delivered_at IS NULL AND dead_at IS NULL;

            CREATE TABLE directline_conversations (
                conversation_id text PRIMARY KEY,
                user_id text NOT NULL,
                started_at timestamptz NOT NULL,
                last_watermark bigint NOT NULL DEFAULT 0
            );

            CREATE TABLE directline_activities (
                conversation_id text NOT NULL REFERENCES directline_conversations (conversation_id),
                watermark bigint NOT NULL,
                activity text NOT NULL,
                PRIMARY KEY (conversation_id, watermark)
            );
            """),
        new(2, "questions asked, for the admin dashboard", """
            CREATE TABLE asked_questions (
                id text PRIMARY KEY,
                conversation_id text NOT NULL,
                asked_at timestamptz NOT NULL,
                text text NOT NULL,
                language text NULL,
                outcome text NOT NULL,
                entry_id text NULL,
                score double precision NOT NULL,
                closest_entry_id text NULL,
                feedback text NULL,
                reviewed_as text NULL
            );

            CREATE INDEX asked_questions_by_time ON asked_questions (asked_at);
            """),
        new(3, "trained intent models, shared by the replicas", """
            CREATE TABLE intent_models (
                version bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                training_data text NOT NULL,
                sha256 text NOT NULL,
                model_bytes integer NOT NULL,
                utterances integer NOT NULL,
                published_by text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                model bytea NOT NULL
            );

            -- A zip is compressed already: stored out of line as it is, not compressed again.
            ALTER TABLE intent_models ALTER COLUMN model SET STORAGE EXTERNAL;

            CREATE INDEX intent_models_newest ON intent_models (training_data, version DESC);
            """),
        new(4, "ASP.NET Core Data Protection keys, shared by the replicas", """
            CREATE TABLE data_protection_keys (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                friendly_name text NULL,
                xml text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        new(5, "the channel each question came in on, for the dashboard's per-channel counts", """
            ALTER TABLE asked_questions ADD COLUMN channel_id text NULL;
            """),
        new(6, "retention: transcript activities by time, for the sweep's batches", """
            CREATE INDEX transcript_activities_by_time ON transcript_activities (timestamp);
            """),
        new(7, "live handoffs, their activity logs, and the agents' presence", """
            CREATE TABLE handoffs (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                status text NOT NULL,
                channel_id text NOT NULL,
                conversation_id text NOT NULL,
                user_id text NULL,
                user_name text NULL,
                language text NOT NULL,
                conversation_reference text NOT NULL,
                waiting_since timestamptz NOT NULL,
                questions text NOT NULL,
                agent text NULL,
                accepted_at timestamptz NULL,
                ended_at timestamptz NULL,
                end_reason text NULL,
                satisfaction integer NULL,
                last_watermark bigint NOT NULL DEFAULT 0
            );

            CREATE UNIQUE INDEX handoffs_open_per_conversation ON handoffs (channel_id, conversation_id)
                WHERE status IN ('waiting', 'active');

            CREATE INDEX handoffs_by_waiting_since ON handoffs (waiting_since);

            CREATE INDEX handoffs_by_ended_at ON handoffs (ended_at) WHERE ended_at IS NOT NULL;

            CREATE TABLE handoff_activities (
                handoff_id text NOT NULL REFERENCES handoffs (id),
                watermark bigint NOT NULL,
                activity text NOT NULL,
                PRIMARY KEY (handoff_id, watermark)
            );

            CREATE TABLE agent_presence (
                agent text PRIMARY KEY,
                status text NOT NULL,
                last_seen timestamptz NOT NULL
            );
            """),
    ];
}
