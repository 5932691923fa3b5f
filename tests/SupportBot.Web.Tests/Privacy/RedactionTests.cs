using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Testing;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.DirectLine;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Privacy;

/// <summary>
/// <c>Privacy:Redact</c> on a host, through the real adapter: the transcript, the question log, the
/// ticket and the Direct Line history hold what the user wrote with the email, phone number and
/// token masked, the bot answers exactly as it does without redaction, and without it nothing is masked.
/// One subclass per storage provider, since the transcript's write path differs between them.
/// </summary>
public abstract class RedactionTests(TrainedModelFixture model)
{
    private const string Channel = "emulator";
    private const string Email = "ana.lee@example.com";
    private const string ContactEmail = "ana@example.com";
    private const string Phone = "010-1234-5678";
    private const string InternationalPhone = "+82 10 9876 5432";
    private const string AppKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string AccessToken = "9Fv8ZqkCYI-hwAnqNBQpWpg0bGyf3w3t0ch1Pgo9dJkAAAF-pWr_5w";

    private static readonly string[] Originals = [Email, ContactEmail, Phone, InternationalPhone, AppKey, AccessToken];

    private static readonly string[] Said =
    [
        $"keyhash mismatch android, I am {Email} or {Phone}, app key {AppKey}",
        "no",
        "talk to a person",
        "yes",
        ContactEmail,
        $"Login still fails, call {InternationalPhone}, token {AccessToken}",
    ];

    /// <summary>The provider's settings, on a store of the host's own.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync();

    [Fact]
    public async Task With_redact_on_the_transcript_question_log_and_ticket_hold_masked_text_and_the_bot_answers_as_without_it()
    {
        await using var redacted = await HostAsync(redact: true);
        await using var plain = await HostAsync(redact: false);

        var masked = await HandOffAsync(redacted);
        var kept = await HandOffAsync(plain);

        Assert.Equal(kept.Replies, masked.Replies);

        var users = masked.UserTexts;
        Assert.Equal(Said.Length, users.Count);
        Assert.All(users, text => Assert.DoesNotContain(Originals, o => text.Contains(o, StringComparison.Ordinal)));
        Assert.Equal("keyhash mismatch android, I am [email] or [phone], app key [token]", users[0]);
        Assert.Equal("[email]", users[4]);
        Assert.Equal("Login still fails, call [phone], token [token]", users[5]);
        Assert.Contains(masked.Questions, q => q == users[0]);
        Assert.All(masked.Questions, text => Assert.DoesNotContain(Originals, o => text.Contains(o, StringComparison.Ordinal)));

        // The help desk still replies to the contact email; what the user wrote is masked.
        Assert.Equal(ContactEmail, masked.Ticket.Email);
        Assert.Equal("Login still fails, call [phone], token [token]", masked.Ticket.Summary);
        Assert.Contains(masked.Ticket.Questions, q => q.Text == users[0]);
        Assert.All(masked.Ticket.Questions, q => Assert.DoesNotContain(Originals, o => q.Text.Contains(o, StringComparison.Ordinal)));
        var userLines = masked.TicketTranscript.Where(l => l.Role == RoleTypes.User).Select(l => l.Text).ToList();
        Assert.Equal(users, userLines);

        // The conversation's state keeps its question log as the question log does.
        Assert.DoesNotContain(Originals, o => masked.ConversationState.Contains(o, StringComparison.Ordinal));
        Assert.Contains(Phone, kept.ConversationState, StringComparison.Ordinal);

        Assert.Equal(Said, kept.UserTexts);
        Assert.Contains(kept.Questions, q => q == Said[0]);
        Assert.Equal(Said[5], kept.Ticket.Summary);
        Assert.Equal(Said, kept.TicketTranscript.Where(l => l.Role == RoleTypes.User).Select(l => l.Text));
    }

    [Fact]
    public async Task With_redact_on_the_direct_line_history_replays_the_masked_message_and_the_same_answer()
    {
        await using var redacted = await HostAsync(redact: true);
        await using var plain = await HostAsync(redact: false);
        var said = $"keyhash mismatch android, reach me at {Email} or {Phone}";

        var masked = await DirectLineAsync(redacted, said);
        var kept = await DirectLineAsync(plain, said);

        Assert.Equal("keyhash mismatch android, reach me at [email] or [phone]", masked.UserText);
        Assert.Equal(said, kept.UserText);
        Assert.NotEmpty(masked.Replies);
        Assert.Equal(kept.Replies, masked.Replies);
        var transcript = await redacted.Services.GetRequiredService<ITranscriptStore>().GetTranscriptActivitiesAsync("directline", masked.ConversationId);
        Assert.DoesNotContain(transcript.Items.OfType<IMessageActivity>(), a => a.Text?.Contains(Email, StringComparison.Ordinal) == true);
    }

    private async Task<SupportBotFactory> HostAsync(bool redact)
    {
        var settings = new Dictionary<string, string?>(await StorageSettingsAsync()) { ["Privacy:Redact"] = redact ? "true" : "false" };
        return SupportBotFactory.WithSettings(model, settings);
    }

    private static async Task<Chat> HandOffAsync(SupportBotFactory host)
    {
        using var client = await host.CreateReadyClientAsync();
        var (user, conversation) = ($"ana-{Guid.NewGuid():N}", $"conv-{Guid.NewGuid():N}");
        var replies = new List<string>();
        foreach (var text in Said)
        {
            var activity = Activities.Message("http://127.0.0.1:9", conversation, text, expectReplies: true);
            activity["from"] = new JsonObject { ["id"] = user, ["name"] = "Ana Lee", ["role"] = "user" };
            using var response = await client.PostActivityAsync(activity);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            replies.AddRange(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]!.AsArray()
                .Where(a => (string?)a!["type"] == ActivityTypes.Message)
                .Select(a => (string?)a!["text"] ?? string.Empty));
        }

        var created = replies.Single(r => r.StartsWith("I've created ticket", StringComparison.Ordinal));
        var number = Regex.Match(created, @"SB-\d{6,}").Value;

        // The transcript and the question log are written behind the turn.
        var services = host.Services;
        var transcripts = services.GetRequiredService<ITranscriptStore>();
        List<string> userTexts = [];
        await Eventually.UntilAsync(
            async () =>
            {
                userTexts = (await transcripts.GetTranscriptActivitiesAsync(Channel, conversation)).Items
                    .OfType<IMessageActivity>().Where(a => a.From?.Role == RoleTypes.User).Select(a => a.Text).ToList();
                return userTexts.Count == Said.Length;
            },
            "every user message in the transcript");
        var insights = services.GetRequiredService<IQuestionInsights>();
        List<string> questions = [];
        await Eventually.UntilAsync(
            async () =>
            {
                questions = (await insights.ListAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), 1000))
                    .Where(q => q.ConversationId == conversation).Select(q => q.Text).ToList();
                return questions.Count > 0;
            },
            "the conversation's questions in the question log");
        var state = await services.GetRequiredService<IStorage>().ReadAsync([$"{Channel}/conversations/{conversation}"]);
        var tickets = services.GetRequiredService<ITicketStore>();
        var ticket = (await tickets.FindAsync(number))!;
        var ticketTranscript = (await tickets.FindTranscriptAsync(number))!;
        return new Chat(replies.Select(r => r.Replace(number, "SB-n", StringComparison.Ordinal)).ToList(), userTexts, questions, ticket, ticketTranscript, JsonConvert.SerializeObject(state));
    }

    private static async Task<DirectLineChat> DirectLineAsync(SupportBotFactory host, string text)
    {
        var calls = new DirectLineCalls(host.CreateClient());
        await SupportBotFactory.WaitUntilReadyAsync(calls.Http);
        var conversation = await calls.StartAsync();
        var id = await calls.SayAsync(conversation, text);
        List<JsonObject> activities = [];
        await Eventually.UntilAsync(
            async () =>
            {
                (activities, _) = await calls.GetActivitiesAsync(conversation);
                return activities.SkipWhile(a => (string?)a["id"] != id).Skip(1).Any(a => a.IsBotMessage());
            },
            "the bot's answer in the Direct Line history");
        var user = activities.Single(a => (string?)a["id"] == id);
        var replies = activities.SkipWhile(a => a != user).Where(a => a.IsBotMessage()).Select(a => a.Text() ?? string.Empty).ToList();
        return new DirectLineChat(conversation.Id, user.Text() ?? string.Empty, replies);
    }

    private sealed record Chat(List<string> Replies, List<string> UserTexts, List<string> Questions, Ticket Ticket, IReadOnlyList<TranscriptLine> TicketTranscript, string ConversationState);

    private sealed record DirectLineChat(string ConversationId, string UserText, List<string> Replies);
}

/// <summary>Redaction on the default SQLite provider.</summary>
[Collection(WebHostCollection.Name)]
public sealed class SqliteRedactionTests(TrainedModelFixture model) : RedactionTests(model)
{
    protected override Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}

/// <summary>Redaction on the memory provider, whose transcript goes through the SDK's logger.</summary>
[Collection(WebHostCollection.Name)]
public sealed class MemoryRedactionTests(TrainedModelFixture model) : RedactionTests(model)
{
    protected override Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:Provider"] = "Memory" });
}

/// <summary>Redaction on PostgreSQL, a database of each host's own on the tests' server.</summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlRedactionTests(TrainedModelFixture model) : RedactionTests(model), IAsyncLifetime
{
    private readonly List<TestDatabase> _databases = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    protected override async Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync()
    {
        var database = await PostgreSqlServer.CreateDatabaseAsync();
        _databases.Add(database);
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = database.ConnectionString,
        };
    }
}
