using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Insights;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>
/// Asked questions in the bot's SQLite file (the table is created on first use). Writes go
/// through the database's single writer, batched with the bot state's; the SQL is kept to what
/// PostgreSQL reads the same (<c>ON CONFLICT ... DO UPDATE</c>, no SQLite-only functions).
/// </summary>
/// <remarks>
/// A turn's questions are queued and written behind it, many turns' in one writer job, as
/// transcripts are: written on the turn, the log took a fifth of the turn handler's CPU under load
/// (docs/scaling.md). Reads flush the queue first, so they see what this store was told.
/// </remarks>
public sealed class SqliteQuestionInsights : IQuestionInsights, IAsyncDisposable
{
    private const string Columns = QuestionSql.Columns;

    private readonly SqliteDatabase _database;
    private readonly WriteBehindQueue<AskedQuestion> _saves;

    public SqliteQuestionInsights(SqliteDatabase database, ILogger<SqliteQuestionInsights>? logger = null)
    {
        _database = database;
        _saves = new WriteBehindQueue<AskedQuestion>(WriteAsync, (ILogger?)logger ?? NullLogger.Instance, "question insights", database.Path);
    }

    /// <summary>Writes what is queued.</summary>
    public ValueTask DisposeAsync() => _saves.DisposeAsync();

    public async Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default)
    {
        foreach (var question in questions)
        {
            await _saves.AppendAsync(question);
        }
    }

    private async Task WriteAsync(IReadOnlyList<AskedQuestion> questions)
    {
        await _database.Writer.WriteAsync(
            batch =>
            {
                var upsert = batch.Command($"""
                    INSERT INTO asked_questions ({Columns})
                    VALUES ($id, $conversationId, $askedAt, $text, $language, $outcome, $entryId, $score, $closestEntryId, $feedback, NULL, $channelId)
                    ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, entry_id = excluded.entry_id, feedback = excluded.feedback
                    """);
                foreach (var question in questions)
                {
                    upsert.Parameters.Clear();
                    upsert.Parameters.AddWithValue("$id", question.Id);
                    upsert.Parameters.AddWithValue("$conversationId", question.ConversationId);
                    upsert.Parameters.AddWithValue("$askedAt", SqliteDatabase.FormatTimestamp(question.AskedAt));
                    upsert.Parameters.AddWithValue("$text", question.Text);
                    upsert.Parameters.AddWithValue("$language", (object?)question.Language ?? DBNull.Value);
                    upsert.Parameters.AddWithValue("$outcome", question.Outcome);
                    upsert.Parameters.AddWithValue("$entryId", (object?)question.EntryId ?? DBNull.Value);
                    upsert.Parameters.AddWithValue("$score", question.Score);
                    upsert.Parameters.AddWithValue("$closestEntryId", (object?)question.ClosestEntryId ?? DBNull.Value);
                    upsert.Parameters.AddWithValue("$feedback", (object?)question.Feedback ?? DBNull.Value);
                    upsert.Parameters.AddWithValue("$channelId", (object?)question.ChannelId ?? DBNull.Value);
                    upsert.ExecuteNonQuery();
                }
            },
            CancellationToken.None);
    }

    public Task<QuestionPage> PageAsync(QuestionQuery query, CancellationToken cancellationToken = default) =>
        ReadAsync(
            query.From,
            query.To,
            command => QuestionSql.PageAsync(command, QuestionSql.Where("$from", "$to", query.Filter), query, Read, cancellationToken),
            cancellationToken);

    public Task<QuestionStats> StatsAsync(DateTimeOffset from, DateTimeOffset to, int topEntries, CancellationToken cancellationToken = default) =>
        ReadAsync(
            from,
            to,
            command => QuestionSql.StatsAsync(command, QuestionSql.Where("$from", "$to", QuestionFilter.All), "substr(asked_at, 1, 10)", topEntries, string.Empty, cancellationToken),
            cancellationToken);

    public async Task<IReadOnlyList<AskedQuestion>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return [];
        }

        await _saves.FlushAsync();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM asked_questions WHERE id IN ({string.Join(", ", distinct.Select((_, i) => $"$id{i}"))})";
        for (var i = 0; i < distinct.Count; i++)
        {
            command.Parameters.AddWithValue($"$id{i}", distinct[i]);
        }

        var questions = new List<AskedQuestion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            questions.Add(Read(reader));
        }

        return questions;
    }

    public async Task<int> ReviewAsync(IReadOnlyCollection<string> ids, string reviewedAs, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await _saves.FlushAsync();
        return await _database.Writer.WriteAsync(
            batch =>
            {
                var update = batch.Command("UPDATE asked_questions SET reviewed_as = $reviewedAs WHERE id = $id");
                var reviewed = 0;
                foreach (var id in ids.Distinct(StringComparer.Ordinal))
                {
                    update.Parameters.Clear();
                    update.Parameters.AddWithValue("$reviewedAs", reviewedAs);
                    update.Parameters.AddWithValue("$id", id);
                    reviewed += update.ExecuteNonQuery();
                }

                return reviewed;
            },
            cancellationToken);
    }

    /// <summary>Runs a read of the window on a connection of its own, after what is queued is written.</summary>
    private async Task<T> ReadAsync<T>(DateTimeOffset from, DateTimeOffset to, Func<Func<string, DbCommand>, Task<T>> read, CancellationToken cancellationToken)
    {
        await _saves.FlushAsync();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await read(sql =>
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$from", SqliteDatabase.FormatTimestamp(from));
            command.Parameters.AddWithValue("$to", SqliteDatabase.FormatTimestamp(to));
            return command;
        });
    }

    internal static AskedQuestion Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        SqliteDatabase.ParseTimestamp(reader.GetString(2)),
        reader.GetString(3),
        NullableString(reader, 4),
        reader.GetString(5),
        NullableString(reader, 6),
        reader.GetDouble(7),
        NullableString(reader, 8),
        NullableString(reader, 9),
        NullableString(reader, 10),
        NullableString(reader, 11));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Erasure (IUserDataEraser): what this process queued is written before a user is erased, so that it is erased too.

    /// <summary>Writes what is queued behind the turns now.</summary>
    internal Task FlushQueuedAsync() => _saves.FlushAsync();
}
