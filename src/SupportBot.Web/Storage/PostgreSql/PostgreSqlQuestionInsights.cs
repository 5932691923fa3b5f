using Microsoft.Extensions.Logging;
using System.Data.Common;
using SupportBot.Bot.Storage;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Bot.Insights;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// Asked questions in PostgreSQL (the <c>asked_questions</c> table of migration 2), shared by every
/// replica, so the dashboard counts the questions of all of them.
/// </summary>
/// <remarks>
/// A turn's questions are queued and written behind it, many turns' in one batch, as transcripts
/// are: the log is for the dashboard, and a round trip on every turn would be a third on the hot
/// path. Reads on this replica flush the queue first, so they see what it was told.
/// </remarks>
public sealed class PostgreSqlQuestionInsights : IQuestionInsights, IAsyncDisposable
{
    private const string Columns = QuestionSql.Columns;

    private readonly PostgreSqlDatabase _database;
    private readonly WriteBehindQueue<AskedQuestion> _saves;

    public PostgreSqlQuestionInsights(PostgreSqlDatabase database)
    {
        _database = database;
        _saves = new WriteBehindQueue<AskedQuestion>(WriteAsync, database.Loggers.CreateLogger<PostgreSqlQuestionInsights>(), "question insights", database.Name);
    }

    public async Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default)
    {
        foreach (var question in questions)
        {
            await _saves.AppendAsync(question);
        }
    }

    /// <summary>Writes what is queued.</summary>
    public ValueTask DisposeAsync() => _saves.DisposeAsync();

    private async Task WriteAsync(IReadOnlyList<AskedQuestion> queued)
    {
        // One statement for the batch. A question and its later feedback may share a batch, and
        // one INSERT cannot touch a row twice, so each id's saves are merged first: what a later
        // save can change (outcome, entry, feedback) from the last, the rest from the first.
        var questions = queued
            .GroupBy(q => q.Id, StringComparer.Ordinal)
            .Select(g => g.First() with { Outcome = g.Last().Outcome, EntryId = g.Last().EntryId, Feedback = g.Last().Feedback })
            .ToList();
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.Command(
            $"""
            INSERT INTO asked_questions ({Columns})
            SELECT id, conversation_id, asked_at, text, language, outcome, entry_id, score, closest_entry_id, feedback, NULL, channel_id
            FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::text[], $11::text[])
                AS q (id, conversation_id, asked_at, text, language, outcome, entry_id, score, closest_entry_id, feedback, channel_id)
            ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, entry_id = excluded.entry_id, feedback = excluded.feedback
            """,
            questions.Select(q => q.Id).ToArray(),
            questions.Select(q => q.ConversationId).ToArray(),
            questions.Select(q => q.AskedAt.ToUniversalTime()).ToArray(),
            questions.Select(q => q.Text).ToArray(),
            questions.Select(q => q.Language).ToArray(),
            questions.Select(q => q.Outcome).ToArray(),
            questions.Select(q => q.EntryId).ToArray(),
            questions.Select(q => q.Score).ToArray(),
            questions.Select(q => q.ClosestEntryId).ToArray(),
            questions.Select(q => q.Feedback).ToArray(),
            questions.Select(q => q.ChannelId).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    public Task<QuestionPage> PageAsync(QuestionQuery query, CancellationToken cancellationToken = default) =>
        ReadAsync(
            query.From,
            query.To,
            command => QuestionSql.PageAsync(command, QuestionSql.Where("$1", "$2", query.Filter), query, Read, cancellationToken),
            cancellationToken);

    public Task<QuestionStats> StatsAsync(DateTimeOffset from, DateTimeOffset to, int topEntries, CancellationToken cancellationToken = default) =>
        ReadAsync(
            from,
            to,
            command => QuestionSql.StatsAsync(
                command,
                QuestionSql.Where("$1", "$2", QuestionFilter.All),
                "to_char(asked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                topEntries,
                "COLLATE \"C\"",
                cancellationToken),
            cancellationToken);

    public async Task<IReadOnlyList<AskedQuestion>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await _saves.FlushAsync();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM asked_questions WHERE id = ANY($1)",
            (object)ids.Distinct(StringComparer.Ordinal).ToArray());
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
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE asked_questions SET reviewed_as = $1 WHERE id = ANY($2)",
            reviewedAs,
            ids.Distinct(StringComparer.Ordinal).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a read of the window on a connection of its own, after what this replica queued is written.</summary>
    private async Task<T> ReadAsync<T>(DateTimeOffset from, DateTimeOffset to, Func<Func<string, DbCommand>, Task<T>> read, CancellationToken cancellationToken)
    {
        await _saves.FlushAsync();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await read(sql => connection.Command(sql, from.ToUniversalTime(), to.ToUniversalTime()));
    }

    internal static AskedQuestion Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetFieldValue<DateTimeOffset>(2),
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
