using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>The ticket API in Development with no keys configured (open; see ApiKeyTests for keys): lists, one ticket, changes, suggestions.</summary>
[Collection(WebHostCollection.Name)]
public sealed partial class TicketsApiTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private ITicketStore Store => host.Services.GetRequiredService<ITicketStore>();

    [Fact]
    public async Task A_ticket_made_in_a_conversation_comes_back_with_its_question_log_and_transcript()
    {
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";
        string[] said = ["keyhash mismatch android", "no", "talk to a person", "yes", "dev@example.com", "The key hash is registered but login still fails"];
        var replies = new List<JsonObject>();
        foreach (var text in said)
        {
            replies = await SayAsync(client, conversation, text);
        }

        var created = replies.Select(r => (string?)r["text"]).OfType<string>().Single(t => t.StartsWith("I've created ticket", StringComparison.Ordinal));
        var number = TicketNumberIn().Match(created).Value;
        Assert.Contains(replies, r => (string?)r["type"] == "event" && (string?)r["name"] == "handoff.initiate");

        var ticket = await GetJsonAsync(client, $"/api/v1/tickets/{number}");

        Assert.Equal(number, (string?)ticket["number"]);
        Assert.Equal("open", (string?)ticket["status"]);
        Assert.Equal("dev@example.com", (string?)ticket["email"]);
        Assert.Equal("The key hash is registered but login still fails", (string?)ticket["summary"]);
        Assert.Equal("requested", (string?)ticket["reason"]);
        Assert.Equal(conversation, (string?)ticket["conversationId"]);
        var question = Assert.Single(ticket["questions"]!.AsArray())!;
        Assert.Equal("keyhash mismatch android", (string?)question["text"]);
        Assert.Equal("answer", (string?)question["outcome"]);
        Assert.Equal("android-keyhash-mismatch", (string?)question["entryId"]);
        Assert.Equal("not-helped", (string?)question["feedback"]);
        var transcript = ticket["transcript"]!.AsArray().Select(l => l!).ToList();
        Assert.Equal(said, transcript.Where(l => (string?)l["role"] == "user").Select(l => (string?)l["text"]));
        Assert.Contains(transcript, l => (string?)l["role"] == "bot" && ((string?)l["text"])!.StartsWith("This error occurs when the key hash value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lists_filter_on_status_assignee_and_creation_time()
    {
        using var client = host.CreateClient();
        var team = $"team-{Guid.NewGuid():N}";
        var created = new List<Ticket>();
        for (var i = 0; i < 4; i++)
        {
            var ticket = await Store.CreateAsync(TicketRequests.Handoff());
            created.Add((await Store.UpdateAsync(ticket.Number, TicketChange.AssignTo(team)))!);
        }

        await PatchAsync(client, created[1].Number, """{"status": "pending"}""");
        await PatchAsync(client, created[2].Number, """{"status": "solved"}""");
        await PatchAsync(client, created[3].Number, """{"status": "pending"}""");

        Assert.Equal(Numbers(created, 3, 1), await ListNumbersAsync(client, $"assignee={team}&status=pending"));
        Assert.Equal(Numbers(created, 0), await ListNumbersAsync(client, $"assignee={team}&status=open"));
        Assert.Equal(Numbers(created, 3, 2, 1, 0), await ListNumbersAsync(client, $"assignee={team}"));
        Assert.Equal(
            Numbers(created, 2, 1),
            await ListNumbersAsync(client, $"assignee={team}&createdFrom={Time(created[1].CreatedAt)}&createdTo={Time(created[3].CreatedAt)}"));
        Assert.Equal(Numbers(created, 3), await ListNumbersAsync(client, $"assignee={team}&status=Pending&createdFrom={Time(created[2].CreatedAt)}"));
        Assert.Empty(await ListNumbersAsync(client, $"assignee=nobody-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task Pages_follow_the_next_link_until_every_ticket_is_seen()
    {
        using var client = host.CreateClient();
        var team = $"team-{Guid.NewGuid():N}";
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var ticket = await Store.CreateAsync(TicketRequests.Handoff());
            await Store.UpdateAsync(ticket.Number, TicketChange.AssignTo(team));
            created.Add(ticket.Number);
        }

        var seen = new List<string>();
        var pages = 0;
        string? next = $"/api/v1/tickets?assignee={team}&limit=2";
        while (next is not null)
        {
            var page = await GetJsonAsync(client, next);
            Assert.Equal(5, (int)page["total"]!);
            Assert.Equal(2, (int)page["limit"]!);
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            Assert.All(items, t => Assert.Null(t!["transcript"]));
            seen.AddRange(items.Select(t => (string)t!["number"]!));
            next = (string?)page["next"];
            Assert.True(next is null || next.Contains($"assignee={team}", StringComparison.Ordinal), next);
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    [Theory]
    [InlineData("status=closed", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=page-2", "cursor")]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("createdFrom=2025-03-02T00:00:00Z&createdTo=2025-03-01T00:00:00Z", "createdTo")]
    public async Task A_bad_filter_is_a_400_naming_it(string query, string field)
    {
        using var client = host.CreateClient();

        using var response = await client.GetAsync($"/api/v1/tickets?{query}");

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task A_patch_changes_status_and_assignee_and_null_unassigns()
    {
        using var client = host.CreateClient();
        var ticket = await Store.CreateAsync(TicketRequests.Handoff());

        var changed = await PatchAsync(client, ticket.Number, """{"status": "pending", "assignee": "alice"}""");
        var unassigned = await PatchAsync(client, ticket.Number, """{"assignee": null}""");
        var stored = await GetJsonAsync(client, $"/api/v1/tickets/{ticket.Number}");

        Assert.Equal(("pending", "alice"), ((string?)changed["status"], (string?)changed["assignee"]));
        Assert.True(DateTimeOffset.Parse((string)changed["updatedAt"]!, System.Globalization.CultureInfo.InvariantCulture) > ticket.UpdatedAt);
        Assert.Equal(("pending", (string?)null), ((string?)unassigned["status"], (string?)unassigned["assignee"]));
        Assert.Equal(("pending", (string?)null), ((string?)stored["status"], (string?)stored["assignee"]));
    }

    [Theory]
    [InlineData("""{"status": "closed"}""", "status")]
    [InlineData("""{"status": 3}""", "status")]
    [InlineData("""{"status": null}""", "status")]
    [InlineData("""{"assignee": "  "}""", "assignee")]
    [InlineData("""{"assignee": 7}""", "assignee")]
    [InlineData("""{"priority": "high"}""", "priority")]
    [InlineData("""{}""", "body")]
    public async Task A_patch_that_is_not_a_valid_change_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var client = host.CreateClient();
        var ticket = await Store.CreateAsync(TicketRequests.Handoff());

        using var response = await client.PatchAsync($"/api/v1/tickets/{ticket.Number}", Json(body));

        var problem = await AssertValidationProblemAsync(response, field);
        if (field == "status")
        {
            Assert.Contains("open, pending, solved", (string?)problem["errors"]!["status"]![0], StringComparison.Ordinal);
        }

        Assert.Equal(ticket, await Store.FindAsync(ticket.Number) is { } stored ? stored with { Questions = ticket.Questions } : null);
    }

    [Theory]
    [InlineData("GET", "/api/v1/tickets/SB-999999")]
    [InlineData("GET", "/api/v1/tickets/not-a-ticket")]
    [InlineData("PATCH", "/api/v1/tickets/SB-999999")]
    [InlineData("GET", "/api/v1/tickets/SB-999999/suggestions")]
    public async Task An_unknown_ticket_is_a_404_problem(string method, string path)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PATCH")
        {
            request.Content = Json("""{"status": "solved"}""");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("There is no ticket", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggestions_rank_the_tickets_questions_as_the_answers_api_does()
    {
        using var client = await host.CreateReadyClientAsync();
        const string Question = "keyhash mismatch android";
        const string Summary = "how do I change the owner of my app";
        var ticket = await Store.CreateAsync(TicketRequests.Handoff(Question, "android-keyhash-mismatch", Summary));

        var suggestions = await GetJsonAsync(client, $"/api/v1/tickets/{ticket.Number}/suggestions?top=4");
        var forQuestion = await PostAnswersAsync(client, Question);
        var forSummary = await PostAnswersAsync(client, Summary);

        Assert.Equal(ticket.Number, (string?)suggestions["ticket"]);
        Assert.Equal([Question, Summary], suggestions["questions"]!.AsArray().Select(q => (string?)q));
        var matches = suggestions["matches"]!.AsArray().Select(m => m!).ToList();
        Assert.Equal(4, matches.Count);
        var scores = matches.Select(m => (float)m["score"]!).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        var keyHash = matches.Single(m => (string?)m["id"] == "android-keyhash-mismatch");
        Assert.Equal((float)forQuestion["matches"]![0]!["score"]!, (float)keyHash["score"]!);
        Assert.Equal(Question, (string?)keyHash["forQuestion"]);
        Assert.True((bool)keyHash["alreadyAnswered"]!);
        Assert.StartsWith("This error occurs when the key hash value", (string?)keyHash["answer"], StringComparison.Ordinal);
        var owner = matches.Single(m => (string?)m["id"] == (string?)forSummary["matches"]![0]!["id"]);
        Assert.Equal(Summary, (string?)owner["forQuestion"]);
        Assert.False((bool)owner["alreadyAnswered"]!);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_ticket_api()
    {
        using var client = host.CreateClient();

        var paths = (await GetJsonAsync(client, "/openapi/v1.json"))["paths"]!;

        Assert.NotNull(paths["/api/v1/tickets"]?["get"]);
        Assert.NotNull(paths["/api/v1/tickets/{number}"]?["get"]);
        Assert.NotNull(paths["/api/v1/tickets/{number}"]?["patch"]?["requestBody"]);
        Assert.NotNull(paths["/api/v1/tickets/{number}/suggestions"]?["get"]);
        Assert.NotNull(paths["/api/v1/webhook-events"]?["get"]);
        Assert.NotNull(paths["/api/v1/tickets"]!["get"]!["responses"]!["401"]);
    }

    [Fact]
    public async Task The_openapi_document_names_the_api_key_header_and_requires_it_on_the_ticket_api_only()
    {
        using var client = host.CreateClient();

        var document = await GetJsonAsync(client, "/openapi/v1.json");

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal(("apiKey", "header", "X-Api-Key"), ((string?)scheme["type"], (string?)scheme["in"], (string?)scheme["name"]));
        Assert.NotNull(document["paths"]!["/api/v1/tickets"]!["get"]!["security"]![0]!["ApiKey"]);
        Assert.NotNull(document["paths"]!["/api/v1/webhook-events"]!["get"]!["security"]);
        Assert.Null(document["paths"]!["/api/v1/answers"]!["post"]!["security"]);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Time(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static List<string> Numbers(List<Ticket> tickets, params int[] indexes) => indexes.Select(i => tickets[i].Number).ToList();

    private static async Task<List<JsonObject>> SayAsync(HttpClient client, string conversation, string text)
    {
        using var response = await client.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, text, expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<List<string>> ListNumbersAsync(HttpClient client, string query) =>
        (await GetJsonAsync(client, $"/api/v1/tickets?{query}"))["items"]!.AsArray().Select(t => (string)t!["number"]!).ToList();

    private static async Task<JsonNode> PatchAsync(HttpClient client, string number, string body)
    {
        using var response = await client.PatchAsync($"/api/v1/tickets/{number}", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<JsonNode> PostAnswersAsync(HttpClient client, string question)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/answers", new { question, top = 10 });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<JsonNode> AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]?[field]);
        return problem;
    }

    [GeneratedRegex(@"SB-\d{6,}")]
    private static partial Regex TicketNumberIn();
}
