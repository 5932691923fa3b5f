using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Configuration;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.Privacy;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.Privacy;

/// <summary><c>POST /api/v1/privacy/erasures</c> on a SQLite host: what a chat left behind is erased or anonymised, once, for that user only, and only with the privacy scope.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ErasureApiTests(TrainedModelFixture model)
{
    private const string PrivacyKey = "privacy-test-key-0123456789abcdef-0123456789";
    private const string TicketsKey = "tickets-test-key-0123456789abcdef-0123456789";
    private const string Channel = "emulator";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["HelpDesk:ApiKeys:0:Name"] = "privacy-office",
        ["HelpDesk:ApiKeys:0:Key"] = PrivacyKey,
        ["HelpDesk:ApiKeys:0:Scopes:0"] = "privacy",
        ["HelpDesk:ApiKeys:1:Name"] = "help-desk",
        ["HelpDesk:ApiKeys:1:Key"] = TicketsKey,
    };

    [Fact]
    public async Task A_user_who_chatted_and_opened_a_ticket_is_erased_everywhere_once_and_another_user_keeps_everything()
    {
        var logs = new CapturedLogs();
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>(Keys) { [$"Logging:LogLevel:{typeof(ErasureApi).FullName}"] = "Information" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = await host.CreateReadyClientAsync();
        var (ana, anasConversation) = ($"ana-{Guid.NewGuid():N}", $"conv-{Guid.NewGuid():N}");
        var (ben, bensConversation) = ($"ben-{Guid.NewGuid():N}", $"conv-{Guid.NewGuid():N}");
        var replies = new List<JsonObject>();
        foreach (var text in new[] { "keyhash mismatch android", "no", "talk to a person", "yes", "ana@example.com", "Login still fails" })
        {
            replies = await SayAsync(client, ana, anasConversation, text);
        }

        var number = replies.Select(r => (string?)r["text"]).OfType<string>().Single(t => t.StartsWith("I've created ticket", StringComparison.Ordinal));
        number = System.Text.RegularExpressions.Regex.Match(number, @"SB-\d{6,}").Value;
        await SayAsync(client, ben, bensConversation, "keyhash mismatch android");

        using var erasure = await EraseAsync(client, PrivacyKey, $$"""{"channelId": "{{Channel}}", "userId": "{{ana}}"}""");
        using var again = await EraseAsync(client, PrivacyKey, $$"""{"channelId": "{{Channel}}", "userId": "{{ana}}"}""");

        Assert.Equal(HttpStatusCode.OK, erasure.StatusCode);
        var answer = JsonNode.Parse(await erasure.Content.ReadAsStringAsync())!;
        Assert.Equal((Channel, ana), ((string?)answer["channelId"], (string?)answer["userId"]));
        var erased = answer["erased"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);
        Assert.Equal(["directLine", "handoffs", "questions", "state", "tickets", "transcripts"], erased.Keys.Order());
        Assert.True(erased["state"] >= 1 && erased["transcripts"] >= 12 && erased["questions"] >= 1, string.Join(", ", erased));
        Assert.Equal(1, erased["tickets"]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.All(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["erased"]!.AsObject(), p => Assert.Equal(0, (int)p.Value!));

        var services = host.Services;
        Assert.Empty(await services.GetRequiredService<IStorage>().ReadAsync([$"{Channel}/users/{ana}", $"{Channel}/conversations/{anasConversation}"]));
        Assert.Empty((await services.GetRequiredService<ITranscriptStore>().GetTranscriptActivitiesAsync(Channel, anasConversation)).Items);
        var questions = (await services.GetRequiredService<IQuestionInsights>().PageAsync(
            new QuestionQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), QuestionFilter.All, 0, 100))).Questions;
        Assert.DoesNotContain(questions, q => q.ConversationId == anasConversation);
        var ticket = (await services.GetRequiredService<ITicketStore>().FindAsync(number))!;
        Assert.Equal((number, TicketStatus.Open), (ticket.Number, ticket.Status));
        Assert.Equal((string.Empty, (string?)null, (string?)null, (string?)null), (ticket.Email, ticket.Summary, ticket.Requester.UserId, ticket.Requester.UserName));
        Assert.Empty((await services.GetRequiredService<ITicketStore>().FindTranscriptAsync(number))!);

        Assert.NotEmpty(await services.GetRequiredService<IStorage>().ReadAsync([$"{Channel}/conversations/{bensConversation}"]));
        Assert.NotEmpty((await services.GetRequiredService<ITranscriptStore>().GetTranscriptActivitiesAsync(Channel, bensConversation)).Items);
        Assert.Contains(questions, q => q.ConversationId == bensConversation);

        // Recorded: who and how much, with a hash for the user, never the user id.
        var records = logs.Records.Where(r => r.Category == typeof(ErasureApi).FullName).ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("privacy-office", r.Fields["ApiKey"]));
        Assert.All(records, r => Assert.Equal(ErasureApi.UserHash(Channel, ana), r.Fields["UserHash"]));
        Assert.Equal(1, records[0].Fields["Tickets"]);
        Assert.DoesNotContain(records, r => r.Message.Contains(ana, StringComparison.Ordinal) || r.Fields.Values.Any(v => v?.ToString() == ana));
    }

    [Fact]
    public async Task Without_a_key_it_is_401_with_a_key_without_the_privacy_scope_403_and_bad_bodies_are_400_problems_erasing_nothing()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = await host.CreateReadyClientAsync();
        var (user, conversation) = ($"ana-{Guid.NewGuid():N}", $"conv-{Guid.NewGuid():N}");
        await SayAsync(client, user, conversation, "keyhash mismatch android");
        var body = $$"""{"channelId": "{{Channel}}", "userId": "{{user}}"}""";

        using (var noKey = await EraseAsync(client, null, body))
        using (var ticketsOnly = await EraseAsync(client, TicketsKey, body))
        {
            await AssertProblemAsync(noKey, HttpStatusCode.Unauthorized);
            await AssertProblemAsync(ticketsOnly, HttpStatusCode.Forbidden);
        }

        var overLong = new string('u', ErasureApi.MaxIdLength + 1);
        string[] bad =
        [
            "{\"channelId\": \"emulator\"",
            "{}",
            $$"""{"channelId": "{{Channel}}"}""",
            $$"""{"channelId": "{{Channel}}", "userId": ""}""",
            $$"""{"channelId": "  ", "userId": "{{user}}"}""",
            $$"""{"channelId": "{{Channel}}", "userId": 42}""",
            $$"""{"channelId": "{{Channel}}", "userId": "{{overLong}}"}""",
            $$"""{"channelId": "{{Channel}}", "userId": "{{user}}", "email": "x@example.com"}""",
            "[]",
        ];
        foreach (var text in bad)
        {
            using var response = await EraseAsync(client, PrivacyKey, text);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.NotEmpty((await host.Services.GetRequiredService<ITranscriptStore>().GetTranscriptActivitiesAsync(Channel, conversation)).Items);
    }

    [Fact]
    public async Task With_no_keys_configured_erasure_stays_closed_even_in_development()
    {
        await using var host = new SupportBotFactory(model);
        using var client = await host.CreateReadyClientAsync();

        using var response = await EraseAsync(client, null, """{"channelId": "emulator", "userId": "user-1"}""");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void A_scope_that_does_not_exist_stops_the_start_and_a_key_without_scopes_opens_tickets_only()
    {
        var options = new HelpDeskOptions
        {
            ApiKeys = [new ApiKeyOptions { Name = "crm", Key = TicketsKey, Scopes = ["tickets", "erase-everything"] }],
        };

        var result = new HelpDeskOptionsValidator(new SecretStrength(
            new HostingEnvironment { EnvironmentName = Environments.Development }, NullLogger<SecretStrength>.Instance)).Validate(null, options);

        Assert.Contains("HelpDesk:ApiKeys:0:Scopes: 'erase-everything' is not a scope", result.FailureMessage);
        Assert.Equal(new HashSet<ApiKeyScope> { ApiKeyScope.Tickets, ApiKeyScope.Faq }, ApiKeyScopes.Granted([]));
        Assert.Equal(new HashSet<ApiKeyScope> { ApiKeyScope.Privacy, ApiKeyScope.Faq }, ApiKeyScopes.Granted(["Privacy"]));
    }

    private static async Task<List<JsonObject>> SayAsync(HttpClient client, string userId, string conversation, string text)
    {
        var activity = Activities.Message("http://127.0.0.1:9", conversation, text, expectReplies: true);
        activity["from"] = new JsonObject { ["id"] = userId, ["name"] = "Ana Lee", ["role"] = "user" };
        using var response = await client.PostActivityAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
    }

    private static Task<HttpResponseMessage> EraseAsync(HttpClient client, string? key, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ErasureApi.Route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add(ApiKeys.Header, key);
        }

        return client.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((int)status, (int?)problem?["status"]);
    }
}
