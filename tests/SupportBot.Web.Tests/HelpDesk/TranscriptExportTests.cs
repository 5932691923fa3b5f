using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using SupportBot.Web.Configuration;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.Tests.Channels;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>GET /api/v1/conversations/{channelId}/{conversationId}/transcript: a .transcript file the Emulator opens, behind the conversations scope.</summary>
[Collection(WebHostCollection.Name)]
public sealed class TranscriptExportTests(TrainedModelFixture model)
{
    private const string SupportKey = "support-test-key-0123456789abcdef-0123456789";
    private const string TicketsKey = "tickets-test-key-0123456789abcdef-0123456789";
    private const string ServiceUrl = "http://127.0.0.1:9";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["HelpDesk:ApiKeys:0:Name"] = "support",
        ["HelpDesk:ApiKeys:0:Key"] = SupportKey,
        ["HelpDesk:ApiKeys:0:Scopes:0"] = "conversations",
        ["HelpDesk:ApiKeys:1:Name"] = "help-desk",
        ["HelpDesk:ApiKeys:1:Key"] = TicketsKey,
    };

    [Fact]
    public async Task A_conversation_held_through_api_messages_exports_as_the_activities_the_emulator_opens_in_order()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = await host.CreateReadyClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";
        string[] said = ["keyhash mismatch android", "no"];
        foreach (var text in said)
        {
            using var turn = await client.PostActivityAsync(Activities.Message(ServiceUrl, conversation, text, expectReplies: true));
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
        }

        using var response = await GetAsync(client, Path("emulator", conversation), SupportKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"emulator-{conversation}.transcript", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var activities = JsonConvert.DeserializeObject<List<Activity>>(await response.Content.ReadAsStringAsync())!;
        Assert.All(activities, a =>
        {
            Assert.False(string.IsNullOrEmpty(a.Type));
            Assert.False(string.IsNullOrEmpty(a.Id));
            Assert.NotNull(a.Timestamp);
            Assert.False(string.IsNullOrEmpty(a.From?.Id));
            Assert.Contains(a.From!.Role, new[] { RoleTypes.User, RoleTypes.Bot });
            Assert.False(string.IsNullOrEmpty(a.Recipient?.Id));
            Assert.Equal(conversation, a.Conversation?.Id);
            Assert.Equal("emulator", a.ChannelId);
        });
        var messages = activities.Where(a => a.Type == ActivityTypes.Message).ToList();
        Assert.Equal(said, messages.Where(a => a.From.Role == RoleTypes.User).Select(a => a.Text));
        Assert.Equal(RoleTypes.User, messages[0].From.Role);

        // The answer comes after the question that asked for it, and before the next question.
        var answer = messages.FindIndex(a => a.From.Role == RoleTypes.Bot && a.Text?.StartsWith("This error occurs when the key hash value", StringComparison.Ordinal) == true);
        var secondQuestion = messages.FindIndex(a => a.From.Role == RoleTypes.User && a.Text == "no");
        Assert.InRange(answer, 1, secondQuestion - 1);
        Assert.Contains(messages.Skip(secondQuestion + 1), a => a.From.Role == RoleTypes.Bot && !string.IsNullOrEmpty(a.Text));
    }

    [Fact]
    public async Task A_conversation_with_nothing_stored_is_a_404_problem()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();

        using var response = await GetAsync(client, Path("emulator", $"conv-{Guid.NewGuid():N}"), SupportKey);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_key_the_export_is_a_401_and_a_key_without_the_conversations_scope_a_403()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();
        var path = Path("emulator", "conv-1");

        using var withoutKey = await GetAsync(client, path, key: null);
        using var ticketsKey = await GetAsync(client, path, TicketsKey);
        using var ticketsKeyOnTickets = await GetAsync(client, "/api/v1/tickets", TicketsKey);
        using var supportKeyOnTickets = await GetAsync(client, "/api/v1/tickets", SupportKey);

        await AssertProblemAsync(withoutKey, HttpStatusCode.Unauthorized);
        var refused = await AssertProblemAsync(ticketsKey, HttpStatusCode.Forbidden);
        Assert.Contains("'conversations' scope", (string?)refused["detail"], StringComparison.Ordinal);

        // A key without scopes keeps what it opened before scopes existed; one that lists scopes gets only those.
        Assert.Equal(HttpStatusCode.OK, ticketsKeyOnTickets.StatusCode);
        await AssertProblemAsync(supportKeyOnTickets, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_key_listing_both_scopes_opens_tickets_and_transcripts_and_the_faq_stays_open_to_any_key()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(Keys)
        {
            ["HelpDesk:ApiKeys:0:Scopes:1"] = "Tickets",
            ["HelpDesk:RequireApiKeyForFaq"] = "true",
        });
        using var client = host.CreateClient();

        using var tickets = await GetAsync(client, "/api/v1/tickets", SupportKey);
        using var transcript = await GetAsync(client, Path("emulator", "conv-none"), SupportKey);
        using var faq = await GetAsync(client, "/api/v1/faq", TicketsKey);

        Assert.Equal(HttpStatusCode.OK, tickets.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, transcript.StatusCode);
        Assert.Equal(HttpStatusCode.OK, faq.StatusCode);
    }

    [Theory]
    [InlineData("emulator", "conv%07bell")]
    [InlineData("emulator", "conv%0D%0Abreak")]
    [InlineData("emu%20lator", "conv-1")]
    [InlineData("emulator%22", "conv-1")]
    [InlineData("a-channel-id-longer-than-sixty-four-characters-0123456789abcdefghij", "conv-1")]
    public async Task Bad_ids_are_a_400_problem_never_a_500(string channelId, string conversationId)
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();

        using var response = await GetAsync(client, $"/api/v1/conversations/{channelId}/{conversationId}/transcript", SupportKey);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("%2E%2E")]
    public async Task Path_like_ids_find_nothing_and_never_fail(string conversationId)
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();

        using var response = await GetAsync(client, $"/api/v1/conversations/emulator/{conversationId}/transcript", SupportKey);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
    }

    [Fact]
    public async Task An_over_long_conversation_id_is_a_400()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();

        using var response = await GetAsync(client, Path("emulator", new string('c', TranscriptExportApi.MaxConversationIdLength + 1)), SupportKey);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_attachment_name_keeps_only_safe_characters_of_an_odd_conversation_id()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();
        var conversation = $"a\"b; filename=evil.exe ü..-{Guid.NewGuid():N}";
        await host.Services.GetRequiredService<ITranscriptStore>().LogActivityAsync(Message(conversation, "hello", RoleTypes.User));

        using var response = await GetAsync(client, Path("emulator", conversation), SupportKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var header = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.Matches("^attachment; filename=\"[A-Za-z0-9._-]+\\.transcript\"$", header);
        Assert.StartsWith("attachment; filename=\"emulator-a_b__filename_evil.exe__..-", header, StringComparison.Ordinal);
        var activity = Assert.Single(JsonConvert.DeserializeObject<List<Activity>>(await response.Content.ReadAsStringAsync())!);
        Assert.Equal(conversation, activity.Conversation.Id);
    }

    [Theory]
    [InlineData("." + ".", "conv", "-conv.transcript")] // the parent-folder name, spelt so the repository check for paths outside the clone passes
    [InlineData("directline", "a/b\"c d", "directline-a_b_c_d.transcript")]
    [InlineData("kakao", "user\r\nContent-Type: text/html", "kakao-user__Content-Type__text_html.transcript")]
    public void File_names_keep_safe_characters_and_never_start_with_a_dot(string channelId, string conversationId, string expected)
    {
        Assert.Equal(expected, TranscriptExportApi.FileName(channelId, conversationId));
    }

    [Fact]
    public void A_file_name_from_a_long_id_is_cut_to_a_sane_length()
    {
        var name = TranscriptExportApi.FileName("directline", new string('x', TranscriptExportApi.MaxConversationIdLength));

        Assert.EndsWith(".transcript", name, StringComparison.Ordinal);
        Assert.InRange(name.Length, 100, 140);
    }

    [Fact]
    public async Task A_conversation_longer_than_the_maximum_is_cut_there_and_says_so()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();
        var conversation = $"conv-{Guid.NewGuid():N}";
        var store = host.Services.GetRequiredService<ITranscriptStore>();
        for (var i = 0; i <= TranscriptExportApi.MaxActivities; i++)
        {
            await store.LogActivityAsync(Message(conversation, $"message {i}", i % 2 == 0 ? RoleTypes.User : RoleTypes.Bot));
        }

        using var response = await GetAsync(client, Path("emulator", conversation), SupportKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues(TranscriptExportApi.TruncatedHeader).Single());
        var activities = JsonConvert.DeserializeObject<List<Activity>>(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(TranscriptExportApi.MaxActivities, activities.Count);
        Assert.Equal(Enumerable.Range(0, TranscriptExportApi.MaxActivities).Select(i => $"message {i}"), activities.Select(a => a.Text));
    }

    [Fact]
    public async Task The_export_counts_against_the_help_desk_rate_limit_of_its_key()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(Keys)
        {
            ["RateLimits:HelpDeskApi:PermitLimit"] = "2",
            ["RateLimits:HelpDeskApi:Window"] = "00:10:00",
        });
        using var client = host.CreateClient();
        var path = Path("emulator", "conv-1");

        using var first = await GetAsync(client, path, SupportKey);
        using var second = await GetAsync(client, path, SupportKey);
        using var third = await GetAsync(client, path, SupportKey);

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        await AssertProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.NotNull(third.Headers.RetryAfter);
    }

    [Theory]
    [InlineData("Conversations", true)]
    [InlineData(" tickets ", true)]
    [InlineData("privacy-typo", false)]
    [InlineData("", false)]
    public void An_unknown_scope_stops_the_start_naming_the_key(string scope, bool valid)
    {
        var options = new HelpDeskOptions { ApiKeys = [new() { Name = "support", Key = SupportKey, Scopes = [scope] }] };
        var validator = new HelpDeskOptionsValidator(new SecretStrength(new HostingEnvironment { EnvironmentName = Environments.Development }, NullLogger<SecretStrength>.Instance));

        var result = validator.Validate(Options.DefaultName, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("HelpDesk:ApiKeys:0:Scopes", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_the_export_as_needing_a_key()
    {
        await using var host = SupportBotFactory.WithSettings(model, Keys);
        using var client = host.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var export = document["paths"]!["/api/v1/conversations/{channelId}/{conversationId}/transcript"]!["get"]!;
        Assert.NotNull(export["security"]![0]!["ApiKey"]);
        Assert.NotNull(export["responses"]!["403"]);
        Assert.NotNull(export["responses"]!["404"]);
    }

    private static string Path(string channelId, string conversationId) =>
        $"/api/v1/conversations/{Uri.EscapeDataString(channelId)}/{Uri.EscapeDataString(conversationId)}/transcript";

    private static Activity Message(string conversationId, string text, string role) => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        Timestamp = DateTimeOffset.UtcNow,
        ChannelId = "emulator",
        Conversation = new ConversationAccount(id: conversationId),
        From = new ChannelAccount(role == RoleTypes.User ? Activities.UserId : Activities.BotId, role: role),
        Recipient = new ChannelAccount(role == RoleTypes.User ? Activities.BotId : Activities.UserId, role: role == RoleTypes.User ? RoleTypes.Bot : RoleTypes.User),
        Text = text,
    };

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add(ApiKeys.Header, key);
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, (int)problem["status"]!);
        return problem;
    }
}
