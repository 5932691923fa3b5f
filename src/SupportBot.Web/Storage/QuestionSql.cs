using System.Data.Common;
using System.Globalization;
using SupportBot.Bot.Insights;

namespace SupportBot.Web.Storage;

/// <summary>
/// The dashboard's reads of the <c>asked_questions</c> table, the same for SQLite and PostgreSQL:
/// counts grouped in the database and pages with LIMIT/OFFSET, so no read brings a whole window's
/// question texts into memory. A provider supplies its commands with the window's two parameters
/// bound (<c>$from</c>/<c>$to</c> or <c>$1</c>/<c>$2</c>) and the SQL of a UTC day.
/// </summary>
internal static class QuestionSql
{
    public const string Columns = "id, conversation_id, asked_at, text, language, outcome, entry_id, score, closest_entry_id, feedback, reviewed_as, channel_id";

    /// <summary>The window and the filter, as a WHERE condition over the two bound parameters.</summary>
    public static string Where(string from, string to, QuestionFilter filter) =>
        $"asked_at >= {from} AND asked_at < {to}" + filter switch
        {
            QuestionFilter.NeedsReview => $" AND reviewed_as IS NULL AND (outcome = '{QuestionOutcomes.Fallback}' OR feedback = '{QuestionFeedback.Unhelpful}')",
            QuestionFilter.Reviewed => " AND reviewed_as IS NOT NULL",
            _ => string.Empty,
        };

    /// <summary>One page and the count of all that match.</summary>
    /// <param name="command">Makes a command with the window's parameters bound.</param>
    public static async Task<QuestionPage> PageAsync(
        Func<string, DbCommand> command, string where, QuestionQuery query, Func<DbDataReader, AskedQuestion> read, CancellationToken cancellationToken)
    {
        var questions = await RowsAsync(
            command(string.Create(
                CultureInfo.InvariantCulture,
                $"SELECT {Columns} FROM asked_questions WHERE {where} ORDER BY asked_at, id LIMIT {query.Limit} OFFSET {query.Offset}")),
            read,
            cancellationToken);
        await using var count = command($"SELECT COUNT(*) FROM asked_questions WHERE {where}");
        return new QuestionPage(questions, Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture));
    }

    /// <summary>The window's counts, in five grouped queries.</summary>
    /// <param name="day">The SQL of an <c>asked_at</c>'s UTC date as <c>yyyy-MM-dd</c> text.</param>
    public static async Task<QuestionStats> StatsAsync(
        Func<string, DbCommand> command, string where, string day, int topEntries, string ordinal, CancellationToken cancellationToken)
    {
        var days = await RowsAsync(
            command($"SELECT {day} AS day, COUNT(*), COUNT(DISTINCT conversation_id) FROM asked_questions WHERE {where} GROUP BY day ORDER BY day"),
            r => new QuestionDay(DateOnly.ParseExact(r.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture), Int(r, 1), Int(r, 2)),
            cancellationToken);
        var totals = (await RowsAsync(
            command($"""
                SELECT COUNT(*), COUNT(DISTINCT conversation_id),
                       COUNT(CASE WHEN feedback = '{QuestionFeedback.Helpful}' THEN 1 END),
                       COUNT(CASE WHEN feedback = '{QuestionFeedback.Unhelpful}' THEN 1 END)
                FROM asked_questions WHERE {where}
                """),
            r => (Questions: Int(r, 0), Conversations: Int(r, 1), Helpful: Int(r, 2), Unhelpful: Int(r, 3)),
            cancellationToken)).Single();
        var outcomes = await RowsAsync(
            command($"SELECT outcome, COUNT(*) FROM asked_questions WHERE {where} GROUP BY outcome"),
            r => (Outcome: r.GetString(0), Count: Int(r, 1)),
            cancellationToken);
        var top = await RowsAsync(
            command(string.Create(
                CultureInfo.InvariantCulture,
                $"SELECT entry_id, COUNT(*) AS n FROM asked_questions WHERE {where} AND entry_id IS NOT NULL GROUP BY entry_id ORDER BY n DESC, entry_id {ordinal} LIMIT {topEntries}")),
            r => new EntryTally(r.GetString(0), Int(r, 1)),
            cancellationToken);
        var channels = await RowsAsync(
            command($"SELECT channel_id, COUNT(*), COUNT(DISTINCT conversation_id) FROM asked_questions WHERE {where} GROUP BY channel_id"),
            r => new ChannelTally(r.IsDBNull(0) ? null : r.GetString(0), Int(r, 1), Int(r, 2)),
            cancellationToken);
        return new QuestionStats(
            totals.Questions,
            totals.Conversations,
            days,
            outcomes.ToDictionary(o => o.Outcome, o => o.Count, StringComparer.Ordinal),
            totals.Helpful,
            totals.Unhelpful,
            top,
            channels);
    }

    private static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static async Task<List<T>> RowsAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using (command)
        {
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }
}
