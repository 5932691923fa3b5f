using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Admin;

/// <summary>
/// The Conversations view's search form as its query string says it (<c>text</c>, <c>from</c>,
/// <c>to</c>, <c>channel</c>, <c>outcome</c>, <c>feedback</c>, <c>ticket</c>, <c>ticketNumber</c>,
/// <c>page</c>, <c>pageSize</c>), every value bounded: what was typed (to show again), the search
/// it asks for, and what is wrong with it.
/// </summary>
public sealed class ConversationSearchForm
{
    /// <summary>The longest search text: a phrase, not a document.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Conversations a page lists unless <c>pageSize</c> says otherwise, and the most it may ask (as the dashboard's review list).</summary>
    public const int DefaultPageSize = 25, MaxPageSize = DashboardApi.MaxPageSize;

    /// <summary>The last page a search reaches: narrow the search rather than page further (each page is an OFFSET).</summary>
    public const int MaxPage = 1_000;

    /// <summary>The longest date range, in days, both ends included.</summary>
    public const int MaxDays = 366;

    /// <summary>The outcomes the form offers, with their labels.</summary>
    public static IReadOnlyList<(string Value, string Label)> Outcomes { get; } =
    [
        (QuestionOutcomes.Answer, "answered"),
        (QuestionOutcomes.Clarify, "clarified"),
        (QuestionOutcomes.Fallback, "fallback"),
        (QuestionOutcomes.Handoff, "handoff"),
        (QuestionOutcomes.SmallTalk, "small talk"),
    ];

    /// <summary>The feedback choices, with their labels.</summary>
    public static IReadOnlyList<(string Value, string Label)> Feedbacks { get; } =
        [("helpful", "helpful"), ("unhelpful", "not helpful"), ("none", "none")];

    /// <summary>The ticket choices, with their labels.</summary>
    public static IReadOnlyList<(string Value, string Label)> Tickets { get; } =
        [("yes", "with a ticket"), ("no", "without a ticket")];

    private static readonly string[] Fields = ["text", "from", "to", "channel", "outcome", "feedback", "ticket", "ticketNumber", "page", "pageSize"];

    private static readonly DateOnly Earliest = new(2000, 1, 1);
    private static readonly DateOnly Latest = new(2100, 12, 31);

    private ConversationSearchForm(IReadOnlyDictionary<string, string> values) => Values = values;

    /// <summary>Each field as typed (trimmed; empty when not given).</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>What is wrong, per field; empty when the search can run.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public ConversationQuery Query { get; private set; } = new();

    public int Page { get; private set; } = 1;

    public int PageSize { get; private set; } = DefaultPageSize;

    public string this[string field] => Values.GetValueOrDefault(field, string.Empty);

    public static ConversationSearchForm Read(IQueryCollection query)
    {
        var form = new ConversationSearchForm(Fields.ToDictionary(f => f, f => query[f].Count == 1 ? query[f].ToString().Trim() : string.Empty, StringComparer.Ordinal));
        foreach (var field in Fields.Where(f => query[f].Count > 1))
        {
            form.Errors[field] = $"Give {field} once.";
        }

        form.Parse();
        return form;
    }

    /// <summary>The query string of the same search on another page.</summary>
    public string QueryStringFor(int page)
    {
        var values = Values.Where(v => v.Value.Length > 0 && v.Key != "page")
            .Append(new KeyValuePair<string, string>("page", page.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString(string.Empty, values!);
    }

    private void Parse()
    {
        var text = this["text"];
        if (text.Length > MaxTextLength || text.Any(char.IsControl))
        {
            Errors["text"] = $"The text is at most {MaxTextLength} characters, without control characters.";
        }

        var from = Date("from");
        var to = Date("to");
        if (from is { } first && to is { } last)
        {
            if (last < first)
            {
                Errors["to"] = "The end date is before the start date.";
            }
            else if (last.DayNumber - first.DayNumber + 1 > MaxDays)
            {
                Errors["to"] = $"A date range is at most {MaxDays} days.";
            }
        }

        var channel = this["channel"];
        if (channel.Length > 0 && !TranscriptExportApi.IsChannelId(channel))
        {
            Errors["channel"] = "A channel id is 1 to 64 letters, digits, '.', '_' or '-' (directline, msteams, kakao ...).";
        }

        var outcome = Choice("outcome", Outcomes);
        var feedback = Choice("feedback", Feedbacks);
        var ticket = Choice("ticket", Tickets);
        var ticketNumber = this["ticketNumber"];
        if (ticketNumber.Length > 0 && !TicketNumber.TryParse(ticketNumber, out _))
        {
            Errors["ticketNumber"] = $"A ticket number looks like {TicketNumber.Format(42)}.";
        }

        Page = Number("page", MaxPage, 1);
        PageSize = Number("pageSize", MaxPageSize, DefaultPageSize);
        Query = new ConversationQuery(
            text.Length == 0 ? null : text,
            from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            channel.Length == 0 ? null : channel,
            outcome,
            feedback switch
            {
                "helpful" => FeedbackFilter.Helpful,
                "unhelpful" => FeedbackFilter.Unhelpful,
                "none" => FeedbackFilter.None,
                _ => FeedbackFilter.Any,
            },
            ticket switch
            {
                "yes" => TicketFilter.With,
                "no" => TicketFilter.Without,
                _ => TicketFilter.Any,
            },
            ticketNumber.Length == 0 ? null : ticketNumber,
            (Page - 1) * PageSize,
            PageSize);
    }

    private DateOnly? Date(string field)
    {
        var value = this[field];
        if (value.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date >= Earliest && date <= Latest)
        {
            return date;
        }

        Errors[field] = $"A date is written yyyy-MM-dd, from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}.";
        return null;
    }

    private string? Choice(string field, IReadOnlyList<(string Value, string Label)> choices)
    {
        var value = this[field];
        if (value.Length == 0)
        {
            return null;
        }

        if (choices.Any(c => c.Value == value))
        {
            return value;
        }

        Errors[field] = $"{field} is one of {string.Join(", ", choices.Select(c => c.Value))}.";
        return null;
    }

    private int Number(string field, int max, int fallback)
    {
        var value = this[field];
        if (value.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max)
        {
            return number;
        }

        Errors[field] = $"{field} is a whole number from 1 to {max}.";
        return fallback;
    }
}
