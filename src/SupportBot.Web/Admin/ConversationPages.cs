using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Insights;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Admin;

/// <summary>
/// The admin Conversations view (signed-in admins only, no script: plain GET forms and links):
/// a search of the conversations in the question log, one conversation as its user saw it with
/// the classifier's decision beside each question, and its <c>.transcript</c> download (the same
/// file as the API's export, <see cref="TranscriptExportApi"/>).
/// </summary>
public static class ConversationPages
{
    public const string Root = "/admin/conversations";

    public static WebApplication MapConversationPages(this WebApplication app)
    {
        var pages = app.MapGroup(Root).RequireAuthorization(AdminAuthentication.Policy).ExcludeFromDescription();
        pages.MapGet(string.Empty, SearchAsync);
        pages.MapGet("/{channelId}/{conversationId}", ViewAsync);
        pages.MapGet("/{channelId}/{conversationId}/transcript", TranscriptExportApi.ExportAsync);
        return app;
    }

    /// <summary>The path of a conversation's page (and, with <c>/transcript</c>, of its download).</summary>
    public static string PathOf(string channelId, string conversationId) =>
        $"{Root}/{Uri.EscapeDataString(channelId)}/{Uri.EscapeDataString(conversationId)}";

    private static async Task<IResult> SearchAsync(HttpContext context, IConversationSearch search, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var form = ConversationSearchForm.Read(context.Request.Query);
        if (form.Errors.Count > 0)
        {
            return Page(context, antiforgery, "Conversations", SearchForm(form), StatusCodes.Status400BadRequest);
        }

        var page = await search.SearchAsync(form.Query, cancellationToken);
        return Page(context, antiforgery, "Conversations", SearchForm(form) + Results(form, page));
    }

    private static async Task<IResult> ViewAsync(
        string channelId, string conversationId, HttpContext context, ITranscriptStore transcripts, IConversationSearch search, IAntiforgery antiforgery)
    {
        var title = $"Conversation {conversationId}";
        var errors = TranscriptExportApi.CheckIds(channelId, conversationId);
        if (errors.Count > 0)
        {
            return Page(context, antiforgery, "Conversation", $"""
                <p><a href="{Root}">Back to the conversations</a></p>
                {string.Concat(errors.Select(e => $"<p class=\"error\" role=\"alert\" data-field=\"{e.Key}\">{Encode(e.Value[0])}</p>"))}
                """, StatusCodes.Status400BadRequest);
        }

        var cancellationToken = context.RequestAborted;
        var (activities, truncated) = await TranscriptExportApi.ReadAsync(transcripts, channelId, conversationId, cancellationToken);
        var questions = await search.QuestionsAsync(channelId, conversationId, cancellationToken);
        if (activities.Count == 0 && questions.Count == 0)
        {
            return Page(context, antiforgery, title, $"""
                <p><a href="{Root}">Back to the conversations</a></p>
                <p class="error" role="alert">Nothing is stored for the {Encode(channelId)} conversation {Encode(conversationId)}.</p>
                """, StatusCodes.Status404NotFound);
        }

        var html = new StringBuilder($"""
            <p><a href="{Root}">Back to the conversations</a></p>
            <h2>{Encode(channelId)} · <span class="conversation-id">{Encode(conversationId)}</span></h2>
            <p><a id="export" href="{Encode(PathOf(channelId, conversationId))}/transcript" download>Export .transcript</a>
            <span class="hint">(the Bot Framework Emulator opens it with File &gt; Open Transcript)</span></p>
            """);
        if (truncated)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">Only the first {TranscriptExportApi.MaxActivities} activities are shown and exported.</p>");
        }

        var unmatched = questions.ToList();
        html.Append("<ol class=\"transcript\">");
        foreach (var message in activities.Where(a => a.Type == ActivityTypes.Message).OfType<IMessageActivity>())
        {
            var fromBot = IsBot(message);
            var decision = fromBot ? null : TakeQuestion(unmatched, message.Text);
            html.Append(CultureInfo.InvariantCulture, $"""<li class="message {(fromBot ? "bot" : "user")}"><div class="bubble">""")
                .Append(fromBot ? SafeMarkdown.ToHtml(message.Text) : UserText(message.Text))
                .Append(Attachments(message))
                .Append(SuggestedActions(message))
                .Append(CultureInfo.InvariantCulture, $"</div><time>{When(message.Timestamp)}</time>")
                .Append(decision is null ? string.Empty : Decision(decision))
                .Append("</li>");
        }

        html.Append("</ol>");
        if (unmatched.Count > 0)
        {
            // The transcript's retention is its own, and a question's text may differ from what the transcript kept.
            html.Append("<h3>Questions logged without their message in the transcript</h3><ul class=\"unmatched\">");
            foreach (var question in unmatched)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><span class=\"question\">{Encode(question.Text)}</span> <time>{When(question.AskedAt)}</time>{Decision(question)}</li>");
            }

            html.Append("</ul>");
        }

        return Page(context, antiforgery, title, html.ToString());
    }

    private static string SearchForm(ConversationSearchForm form)
    {
        string Error(string field) => form.Errors.TryGetValue(field, out var error) ? $"<span class=\"error\" role=\"alert\" data-field=\"{field}\">{Encode(error)}</span>" : string.Empty;
        string Options(string field, IEnumerable<(string Value, string Label)> choices, string any) =>
            $"<option value=\"\">{any}</option>" + string.Concat(choices.Select(c =>
                $"<option value=\"{Encode(c.Value)}\"{(form[field] == c.Value ? " selected" : string.Empty)}>{Encode(c.Label)}</option>"));
        var sizes = new[] { 10, ConversationSearchForm.DefaultPageSize, 50, ConversationSearchForm.MaxPageSize }
            .Select(n => n.ToString(CultureInfo.InvariantCulture)).Select(n => (n, n));
        return $"""
            <section>
              <h2>Conversations</h2>
              <form id="search" method="get" action="{Root}" class="search">
                <label>Text <input name="text" type="search" maxlength="{ConversationSearchForm.MaxTextLength}" value="{Encode(form["text"])}">{Error("text")}</label>
                <label>From <input name="from" type="date" value="{Encode(form["from"])}">{Error("from")}</label>
                <label>To <input name="to" type="date" value="{Encode(form["to"])}">{Error("to")}</label>
                <label>Channel <input name="channel" maxlength="64" placeholder="directline, msteams, kakao" value="{Encode(form["channel"])}">{Error("channel")}</label>
                <label>Outcome <select name="outcome">{Options("outcome", ConversationSearchForm.Outcomes, "any")}</select>{Error("outcome")}</label>
                <label>Feedback <select name="feedback">{Options("feedback", ConversationSearchForm.Feedbacks, "any")}</select>{Error("feedback")}</label>
                <label>Ticket <select name="ticket">{Options("ticket", ConversationSearchForm.Tickets, "any")}</select>{Error("ticket")}</label>
                <label>Ticket number <input name="ticketNumber" maxlength="24" value="{Encode(form["ticketNumber"])}">{Error("ticketNumber")}</label>
                <label>Per page <select name="pageSize">{Options("pageSize", sizes, "default")}</select>{Error("pageSize")}</label>
                {Error("page")}
                <button type="submit">Search</button>
              </form>
            </section>
            """;
    }

    private static string Results(ConversationSearchForm form, ConversationSearchPage page)
    {
        if (page.Conversations.Count == 0)
        {
            return "<section><p id=\"no-results\">No conversation matches.</p></section>";
        }

        var rows = string.Concat(page.Conversations.Select(c => $"""
            <tr><td>{Encode(c.ChannelId ?? "unknown")}</td>
            <td>{(c.ChannelId is { } channel ? $"<a href=\"{Encode(PathOf(channel, c.ConversationId))}\">{Encode(c.ConversationId)}</a>" : Encode(c.ConversationId))}</td>
            <td>{When(c.FirstAskedAt)}</td><td>{When(c.LastAskedAt)}</td><td class="number">{c.Questions}</td>
            <td>{Encode(string.Join(", ", c.Outcomes))}</td>
            <td>{Feedback(c)}</td><td>{Encode(c.TicketNumber ?? string.Empty)}</td></tr>
            """));
        var newer = form.Page > 1 ? $"<a rel=\"prev\" href=\"{Root}{Encode(form.QueryStringFor(form.Page - 1))}\">Newer</a>" : string.Empty;
        var older = page.HasMore && form.Page < ConversationSearchForm.MaxPage
            ? $"<a rel=\"next\" href=\"{Root}{Encode(form.QueryStringFor(form.Page + 1))}\">Older</a>"
            : string.Empty;
        return $"""
            <section>
              <table id="conversations">
                <thead><tr><th scope="col">Channel</th><th scope="col">Conversation</th><th scope="col">First question</th><th scope="col">Last question</th><th scope="col">Questions</th><th scope="col">Outcomes</th><th scope="col">Feedback</th><th scope="col">Ticket</th></tr></thead>
                <tbody>{rows}</tbody>
              </table>
              <p class="pager">Page {form.Page} {newer} {older}</p>
            </section>
            """;
    }

    private static string Feedback(ConversationSummary conversation) =>
        (conversation.Helpful, conversation.Unhelpful) switch
        {
            (0, 0) => "none",
            var (helpful, unhelpful) => string.Join(", ", new[] { (helpful, "helpful"), (unhelpful, "not helpful") }.Where(f => f.Item1 > 0).Select(f => $"{f.Item1} {f.Item2}")),
        };

    /// <summary>The next logged question with this message's text (the question log keeps the text the bot classified), taken off the list.</summary>
    private static AskedQuestion? TakeQuestion(List<AskedQuestion> questions, string? text)
    {
        var index = questions.FindIndex(q => string.Equals(q.Text.Trim(), text?.Trim(), StringComparison.Ordinal));
        if (index < 0)
        {
            return null;
        }

        var question = questions[index];
        questions.RemoveAt(index);
        return question;
    }

    private static string Decision(AskedQuestion question) => $"""
        <aside class="decision" data-outcome="{Encode(question.Outcome)}"><span class="outcome">{Encode(question.Outcome)}</span>
        <span class="entry">{Encode(question.EntryId ?? (question.ClosestEntryId is { } closest ? $"closest: {closest}" : "no entry"))}</span>
        <span class="score">score {question.Score.ToString("0.00", CultureInfo.InvariantCulture)}</span>{(question.Feedback is { } feedback ? $" <span class=\"feedback\">{Encode(feedback)}</span>" : string.Empty)}</aside>
        """;

    // Stores that record roles say who spoke; otherwise a message to the user is the bot's.
    private static bool IsBot(IMessageActivity message) =>
        message.From?.Role == RoleTypes.Bot || (message.From?.Role is null && message.Recipient?.Role == RoleTypes.User);

    private static string UserText(string? text) =>
        string.Join("<br>", (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(Encode));

    private static string Attachments(IMessageActivity message) =>
        message.Attachments is { Count: > 0 } attachments
            ? "<p class=\"attachments\">" + string.Concat(attachments.Select(a => $"<span class=\"attachment\">[{Encode(a.ContentType)}]</span> ")) + "</p>"
            : string.Empty;

    // Shown as the user saw them, as labels: a click here does nothing.
    private static string SuggestedActions(IMessageActivity message) =>
        message.SuggestedActions?.Actions is { Count: > 0 } actions
            ? "<div class=\"actions\">" + string.Concat(actions.Select(a => $"<span class=\"action\">{Encode(a.Title ?? a.Value?.ToString())}</span>")) + "</div>"
            : string.Empty;

    private static string When(DateTimeOffset? time) =>
        time is { } t ? Encode(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)) : string.Empty;

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string title, string body, int status = StatusCodes.Status200OK) =>
        AdminPages.Html(AdminPages.Page(title + ": SupportBot admin", $"""
            {AdminPages.Header(context, antiforgery)}
            <main class="conversations">
            {body}
            </main>
            """), status);

    private static string Encode(string? text) => SafeMarkdown.Encoder.Encode(text ?? string.Empty);
}
