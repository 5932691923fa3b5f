using System.Data.Common;
using System.Globalization;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage;

/// <summary>
/// The Conversations view's search over <c>asked_questions</c> and <c>tickets</c>, the same for
/// SQLite and PostgreSQL: the questions grouped by conversation in the database, every value of
/// the query a bound parameter (<c>$1</c>, <c>$2</c>, ... which both read), one page with LIMIT/OFFSET.
/// </summary>
internal static class ConversationSql
{
    /// <summary>What differs between the two databases.</summary>
    /// <param name="CaseInsensitiveLike">SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE ignores case.</param>
    /// <param name="Ordinal">The collation that sorts text by code point.</param>
    /// <param name="Timestamp">A time as the database's column compares it.</param>
    public sealed record Dialect(string CaseInsensitiveLike, string Ordinal, Func<DateTimeOffset, object> Timestamp);

    // The per-outcome counts' columns, in QuestionOutcomes.All's order.
    private static readonly string[] OutcomeColumns = ["answered", "clarified", "fallbacks", "small_talk", "handoffs"];

    /// <summary>The query's SQL and its parameters' values, in order.</summary>
    public static (string Sql, List<object> Values) Search(ConversationQuery query, Dialect dialect)
    {
        var values = new List<object>();
        string Bind(object value)
        {
            values.Add(value);
            return string.Create(CultureInfo.InvariantCulture, $"${values.Count}");
        }

        var inner = new List<string>();
        if (query.ChannelId is { } channel)
        {
            inner.Add($"q.channel_id = {Bind(channel)}");
        }

        var outer = new List<string>();
        var matches = "0";
        if (!string.IsNullOrEmpty(query.Text))
        {
            matches = $"SUM(CASE WHEN q.text {dialect.CaseInsensitiveLike} {Bind(ConversationSearchRules.ContainsPattern(query.Text))} ESCAPE '\\' THEN 1 ELSE 0 END)";
            outer.Add("c.matches > 0");
        }

        if (query.From is { } from)
        {
            outer.Add($"c.last_at >= {Bind(dialect.Timestamp(from))}");
        }

        if (query.To is { } to)
        {
            outer.Add($"c.first_at < {Bind(dialect.Timestamp(to))}");
        }

        if (query.Outcome is { } outcome)
        {
            var index = QuestionOutcomes.All.ToList().IndexOf(outcome);
            outer.Add(index < 0 ? "1 = 0" : $"c.{OutcomeColumns[index]} > 0");
        }

        outer.Add(query.Feedback switch
        {
            FeedbackFilter.Helpful => "c.helpful > 0",
            FeedbackFilter.Unhelpful => "c.unhelpful > 0",
            FeedbackFilter.None => "c.helpful = 0 AND c.unhelpful = 0",
            _ => "1 = 1",
        });
        outer.Add(query.Ticket switch
        {
            TicketFilter.With => "c.ticket IS NOT NULL",
            TicketFilter.Without => "c.ticket IS NULL",
            _ => "1 = 1",
        });
        if (query.TicketNumber is { } number)
        {
            outer.Add(TicketNumber.TryParse(number, out var sequence)
                ? $"EXISTS (SELECT 1 FROM tickets t WHERE t.id = {Bind(sequence)} AND t.channel_id = c.channel_id AND t.conversation_id = c.conversation_id)"
                : "1 = 0");
        }

        var outcomeCounts = string.Join(", ", QuestionOutcomes.All.Select((o, i) => $"SUM(CASE WHEN q.outcome = '{o}' THEN 1 ELSE 0 END) AS {OutcomeColumns[i]}"));
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT c.channel_id, c.conversation_id, c.first_at, c.last_at, c.questions, {string.Join(", ", OutcomeColumns.Select(o => "c." + o))}, c.helpful, c.unhelpful, c.ticket
            FROM (
                SELECT q.channel_id, q.conversation_id, MIN(q.asked_at) AS first_at, MAX(q.asked_at) AS last_at, COUNT(*) AS questions, {outcomeCounts},
                       SUM(CASE WHEN q.feedback = '{QuestionFeedback.Helpful}' THEN 1 ELSE 0 END) AS helpful,
                       SUM(CASE WHEN q.feedback = '{QuestionFeedback.Unhelpful}' THEN 1 ELSE 0 END) AS unhelpful,
                       {matches} AS matches,
                       (SELECT MAX(t.id) FROM tickets t WHERE t.channel_id = q.channel_id AND t.conversation_id = q.conversation_id) AS ticket
                FROM asked_questions q
                {(inner.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", inner))}
                GROUP BY q.channel_id, q.conversation_id
            ) c
            WHERE {string.Join(" AND ", outer)}
            ORDER BY c.last_at DESC, COALESCE(c.channel_id, '') {dialect.Ordinal}, c.conversation_id {dialect.Ordinal}
            LIMIT {query.Limit + 1} OFFSET {query.Offset}
            """);
        return (sql, values);
    }

    /// <summary>The questions of one conversation, oldest first, over <c>$1</c> (channel) and <c>$2</c> (conversation).</summary>
    public const string Questions =
        $"SELECT {QuestionSql.Columns} FROM asked_questions WHERE conversation_id = $2 AND (channel_id = $1 OR channel_id IS NULL) ORDER BY asked_at, id";

    /// <summary>Reads a search's rows into a page: one row more than the limit says there is a next page.</summary>
    public static async Task<ConversationSearchPage> ReadPageAsync(
        DbCommand command, int limit, Func<DbDataReader, int, DateTimeOffset> timestamp, CancellationToken cancellationToken)
    {
        var rows = new List<ConversationSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var outcomes = Enumerable.Range(5, OutcomeColumns.Length).Select(i => Int(reader, i)).ToList();
            var helpful = 5 + OutcomeColumns.Length;
            rows.Add(new ConversationSummary(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.GetString(1),
                timestamp(reader, 2),
                timestamp(reader, 3),
                Int(reader, 4),
                ConversationSearchRules.Outcomes(outcomes),
                Int(reader, helpful),
                Int(reader, helpful + 1),
                reader.IsDBNull(helpful + 2) ? null : TicketNumber.Format(Convert.ToInt64(reader.GetValue(helpful + 2), CultureInfo.InvariantCulture))));
        }

        return new ConversationSearchPage(rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>Reads rows with <paramref name="read"/>.</summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
