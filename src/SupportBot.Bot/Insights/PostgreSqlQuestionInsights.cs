using Npgsql;
using SupportBot.Bot.Storage.PostgreSql;

namespace SupportBot.Bot.Insights;

/// <summary>
/// Asked questions in PostgreSQL (the <c>asked_questions</c> table of migration 2), shared by every
/// replica, so the dashboard counts the questions of all of them.
/// </summary>
public sealed class PostgreSqlQuestionInsights(PostgreSqlDatabase database) : IQuestionInsights
{
    private const string Columns = "id, conversation_id, asked_at, text, language, outcome, entry_id, score, closest_entry_id, feedback, reviewed_as";

    public async Task SaveAsync(IReadOnlyList<AskedQuestion> questions, CancellationToken cancellationToken = default)
    {
        if (questions.Count == 0)
        {
            return;
        }

        // One round trip for the turn's questions: a batch of upserts.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var question in questions)
        {
            batch.BatchCommands.Add(PostgreSqlCommands.BatchCommand(
                $"""
                INSERT INTO asked_questions ({Columns})
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)
                ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, entry_id = excluded.entry_id, feedback = excluded.feedback
                """,
                question.Id,
                question.ConversationId,
                question.AskedAt.ToUniversalTime(),
                question.Text,
                question.Language,
                question.Outcome,
                question.EntryId,
                question.Score,
                question.ClosestEntryId,
                question.Feedback));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AskedQuestion>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM asked_questions WHERE asked_at >= $1 AND asked_at < $2 ORDER BY asked_at, id LIMIT $3",
            from.ToUniversalTime(),
            to.ToUniversalTime(),
            limit);
        var questions = new List<AskedQuestion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            questions.Add(new AskedQuestion(
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
                NullableString(reader, 10)));
        }

        return questions;
    }

    public async Task<int> ReviewAsync(IReadOnlyCollection<string> ids, string reviewedAs, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE asked_questions SET reviewed_as = $1 WHERE id = ANY($2)",
            reviewedAs,
            ids.Distinct(StringComparer.Ordinal).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
