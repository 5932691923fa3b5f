using System.Net;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Tests.Admin;

/// <summary>The admin Conversations view over HTTP: search, the transcript viewer, the .transcript download, its sign-in, bad input and hostile text.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ConversationPagesTests(TrainedModelFixture model) : IAsyncLifetime
{
    private const string SupportKey = "support-test-key-0123456789abcdef-0123456789";
    private const string Channel = "directline";
    // Yesterday: well inside every retention period, so no sweep of the host takes the seeded rows.
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.Date.AddDays(-1), TimeSpan.Zero);

    private SupportBotFactory _host = null!;
    private AdminSession _session = null!;
    private string _ticket = null!;

    /// <summary>A host of its own per test, seeded (<see cref="SeedAsync"/>), and an admin signed in to it.</summary>
    public async Task InitializeAsync()
    {
        _host = Host();
        _ticket = await SeedAsync(_host);
        _session = await AdminSession.SignInAsync(_host);
    }

    public async Task DisposeAsync()
    {
        _session.Dispose();
        await _host.DisposeAsync();
    }

    private SupportBotFactory Host() => SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(AdminSession.Settings)
    {
        ["HelpDesk:ApiKeys:0:Name"] = "support",
        ["HelpDesk:ApiKeys:0:Key"] = SupportKey,
        ["HelpDesk:ApiKeys:0:Scopes:0"] = "conversations",
    });

    private static AskedQuestion Asked(string conversation, int minutes, string text, string outcome, string? entry, string? feedback = null) =>
        new(Guid.NewGuid().ToString("N"), conversation, Start.AddMinutes(minutes), text, "en-US", outcome, entry, 0.87, entry ?? "login-error-message", feedback, ChannelId: Channel);

    private static Activity Message(string conversation, int minutes, bool fromBot, string text)
    {
        var (user, bot) = (new ChannelAccount("dl_user", "User", RoleTypes.User), new ChannelAccount("bot", "SupportBot", RoleTypes.Bot));
        return new Activity(ActivityTypes.Message)
        {
            Id = Guid.NewGuid().ToString("N"),
            ChannelId = Channel,
            Conversation = new ConversationAccount(id: conversation),
            From = fromBot ? bot : user,
            Recipient = fromBot ? user : bot,
            Timestamp = Start.AddMinutes(minutes),
            Text = text,
        };
    }

    /// <summary>Two conversations: "keyhash" answered and helpful; "person", a fallback then a handoff with a ticket.</summary>
    private static async Task<string> SeedAsync(SupportBotFactory host)
    {
        var services = host.Services;
        await services.GetRequiredService<IQuestionInsights>().SaveAsync(
        [
            Asked("conv-keyhash", 0, "keyhash mismatch android", QuestionOutcomes.Answer, "android-keyhash-mismatch", QuestionFeedback.Helpful),
            Asked("conv-person", 10, "zorblat vextor", QuestionOutcomes.Fallback, null),
            Asked("conv-person", 11, "talk to a person", QuestionOutcomes.Handoff, null),
        ]);
        var transcripts = services.GetRequiredService<ITranscriptStore>();
        await transcripts.LogActivityAsync(Message("conv-keyhash", 0, fromBot: false, "keyhash mismatch android"));
        await transcripts.LogActivityAsync(Message("conv-keyhash", 0, fromBot: true, "This error occurs when the key hash value **does not match**. See [the guide](https://developers.kakao.com/docs)."));
        var ticket = await services.GetRequiredService<ITicketStore>().CreateAsync(new NewTicket(
            "ana@example.com", null, HandoffReason.Requested, new TicketRequester(Channel, "conv-person", "dl_user", null), [], []));
        return ticket.Number;
    }

    /// <summary>A page as the signed-in admin gets it: its status, its HTML and the headers the tests look at.</summary>
    private async Task<(HttpStatusCode Status, string Html, ResponseHeaders Headers)> GetPageAsync(string path)
    {
        using var response = await _session.Client.GetAsync(path);
        var headers = new ResponseHeaders(
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.CacheControl?.ToString(),
            response.Headers.TryGetValues("Content-Security-Policy", out var policy) ? policy.Single() : null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
    }

    [Fact]
    public async Task Without_signing_in_the_conversation_pages_and_the_download_redirect_to_the_sign_in()
    {
        using var client = AdminSession.CreateClient(_host);

        foreach (var path in new[] { "/admin/conversations", "/admin/conversations/directline/conv-1", "/admin/conversations/directline/conv-1/transcript" })
        {
            using var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/admin/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        // An API key opens nothing under /admin.
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/admin/conversations/directline/conv-1/transcript");
        withKey.Headers.Add("X-Api-Key", SupportKey);
        using var refused = await client.SendAsync(withKey);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
    }

    [Fact]
    public async Task The_search_lists_matching_conversations_newest_first_with_outcomes_feedback_and_ticket_and_no_store()
    {
        var ticket = _ticket;

        var (status, all, response) = await GetPageAsync("/admin/conversations");
        var (_, byText, _) = await GetPageAsync("/admin/conversations?text=KEYHASH");
        var (_, withTicket, _) = await GetPageAsync($"/admin/conversations?ticketNumber={ticket}&outcome=handoff&feedback=none");
        var (_, none, _) = await GetPageAsync("/admin/conversations?channel=kakao");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("no-store", response.CacheControl);
        Assert.True(all.IndexOf("conv-person", StringComparison.Ordinal) < all.IndexOf("conv-keyhash", StringComparison.Ordinal), "newest first");
        Has(all, "fallback, handoff", ticket, "1 helpful");
        Assert.Contains("href=\"/admin/conversations/directline/conv-keyhash\"", byText, StringComparison.Ordinal);
        Assert.DoesNotContain("conv-person", byText, StringComparison.Ordinal);
        Assert.Contains("conv-person", withTicket, StringComparison.Ordinal);
        Assert.DoesNotContain("conv-keyhash", withTicket, StringComparison.Ordinal);
        Assert.Contains("No conversation matches.", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_link_to_the_next_page_only_while_there_is_one()
    {
        var (_, first, _) = await GetPageAsync("/admin/conversations?pageSize=1");
        var (_, second, _) = await GetPageAsync("/admin/conversations?pageSize=1&page=2");

        Has(first, "rel=\"next\" href=\"/admin/conversations?pageSize=1&amp;page=2\"", "conv-person");
        Assert.Contains("conv-keyhash", second, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", second, StringComparison.Ordinal);
        Assert.Contains("rel=\"prev\"", second, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-03-01&to=2026-02-01", "to")]
    [InlineData("from=2024-01-01&to=2026-01-01", "to")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("outcome=everything", "outcome")]
    [InlineData("feedback=maybe", "feedback")]
    [InlineData("ticket=perhaps", "ticket")]
    [InlineData("ticketNumber=42", "ticketNumber")]
    [InlineData("channel=a%2Fb", "channel")]
    [InlineData("text=a%00b", "text")]
    [InlineData("text=1&text=2", "text")]
    public async Task A_bad_search_value_is_a_400_with_the_form_saying_what_is_wrong(string query, string field)
    {
        var (status, html, response) = await GetPageAsync("/admin/conversations?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("text/html", response.MediaType);
        Assert.Contains($"role=\"alert\" data-field=\"{field}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_text_longer_than_the_bound_is_a_400()
    {
        var (status, html, response) = await GetPageAsync("/admin/conversations?text=" + new string('x', 201));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 200 characters", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_conversation_is_a_404_and_a_bad_channel_id_a_400()
    {
        var (unknown, html, _) = await GetPageAsync("/admin/conversations/directline/conv-nobody");
        var (badChannel, problem, response) = await GetPageAsync("/admin/conversations/bad%20channel/conv-1");
        var (unknownExport, _, _) = await GetPageAsync("/admin/conversations/directline/conv-nobody/transcript");

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("Nothing is stored", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badChannel);
        Assert.Equal("text/html", response.MediaType);
        Assert.Contains("role=\"alert\" data-field=\"channelId\"", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownExport);
    }

    [Fact]
    public async Task The_transcript_shows_the_messages_in_order_with_the_classifiers_decision_beside_the_question()
    {
        var (status, html, _) = await GetPageAsync("/admin/conversations/directline/conv-keyhash");

        Assert.Equal(HttpStatusCode.OK, status);
        var question = html.IndexOf("<li class=\"message user\"><div class=\"bubble\">keyhash mismatch android", StringComparison.Ordinal);
        var decision = html.IndexOf("<aside class=\"decision\" data-outcome=\"answer\"><span class=\"outcome\">answer</span>", StringComparison.Ordinal);
        var answer = html.IndexOf("<li class=\"message bot\">", StringComparison.Ordinal);
        Assert.True(question >= 0 && decision > question && answer > decision, html);
        Has(html, "<span class=\"entry\">android-keyhash-mismatch</span>", "score 0.87", "<strong>does not match</strong>", "<a href=\"https://developers.kakao.com/docs\" rel=\"noopener noreferrer\" target=\"_blank\">the guide</a>", "href=\"/admin/conversations/directline/conv-keyhash/transcript\" download>Export .transcript");
    }

    [Fact]
    public async Task The_download_is_the_same_transcript_file_the_api_gives()
    {
        using var download = await _session.Client.GetAsync("/admin/conversations/directline/conv-keyhash/transcript");
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/conversations/directline/conv-keyhash/transcript");
        api.Headers.Add("X-Api-Key", SupportKey);
        using var fromApi = await _host.CreateClient().SendAsync(api);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("directline-conv-keyhash.transcript", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("no-store", download.Headers.CacheControl?.ToString());
        var body = await download.Content.ReadAsStringAsync();
        Assert.Equal(await fromApi.Content.ReadAsStringAsync(), body);
        var activities = JsonConvert.DeserializeObject<List<Activity>>(body)!;
        Assert.Equal([RoleTypes.User, RoleTypes.Bot], activities.Select(a => a.From.Role));
        Assert.Equal("keyhash mismatch android", activities[0].Text);
        Assert.StartsWith("This error occurs", activities[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_html_and_javascript_links_in_messages_render_as_inert_text()
    {
        var host = _host;
        var transcripts = host.Services.GetRequiredService<ITranscriptStore>();
        const string Hostile = "<script>alert('user')</script><img src=x onerror=alert(1)>";
        await transcripts.LogActivityAsync(Message("conv-xss", 0, fromBot: false, Hostile));
        var answer = Message("conv-xss", 1, fromBot: true, "<script>alert('bot')</script> [click](javascript:alert(1)) [data](data:text/html,<b>x</b>) **<i>bold</i>**");
        answer.SuggestedActions = new SuggestedActions { Actions = [new CardAction(ActionTypes.ImBack, "<script>alert('action')</script>", value: "x")] };
        await transcripts.LogActivityAsync(answer);
        await host.Services.GetRequiredService<IQuestionInsights>().SaveAsync([Asked("conv-xss", 0, Hostile, QuestionOutcomes.Fallback, null)]);

        var (status, html, response) = await GetPageAsync("/admin/conversations/directline/conv-xss");
        var (_, search, _) = await GetPageAsync("/admin/conversations?text=%3Cscript%3E");

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var page in new[] { html, search })
        {
            Assert.DoesNotContain("<script>alert", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("javascript:", page, StringComparison.OrdinalIgnoreCase);
        }

        Has(html, "&lt;script&gt;alert(&#x27;user&#x27;)&lt;/script&gt;", "&lt;script&gt;alert(&#x27;bot&#x27;)&lt;/script&gt;");
        Assert.DoesNotContain("<a href=\"data:", html, StringComparison.Ordinal);
        Has(html, "<span class=\"action\">&lt;script&gt;alert(&#x27;action&#x27;)&lt;/script&gt;</span>", "<strong>&lt;i&gt;bold&lt;/i&gt;</strong>");
        Assert.Contains("script-src 'self'", response.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_links_to_the_conversations()
    {
        var (_, html, _) = await GetPageAsync("/admin");

        Assert.Contains("<a href=\"/admin/conversations\">Conversations</a>", html, StringComparison.Ordinal);
    }

    /// <summary>The response headers the tests read.</summary>
    private sealed record ResponseHeaders(string? MediaType, string? CacheControl, string? ContentSecurityPolicy);

    private static void Has(string html, params string[] parts) => Assert.All(parts, part => Assert.Contains(part, html, StringComparison.Ordinal));

    private static void HasNone(string html, params string[] parts) => Assert.All(parts, part => Assert.DoesNotContain(part, html, StringComparison.Ordinal));
}
