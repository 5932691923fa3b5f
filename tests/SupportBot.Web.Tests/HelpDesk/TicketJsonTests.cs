using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>
/// The ticket's JSON on the wire, byte for byte: the help-desk API's list item and single ticket (with
/// the host's own JSON options) and the webhook's body, whose bytes receivers sign and verify.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class TicketJsonTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private static readonly DateTimeOffset Created = new(2025, 3, 1, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly DateTimeOffset Updated = new(2025, 3, 1, 9, 5, 0, TimeSpan.Zero);

    private static readonly Ticket Ticket = new(
        "SB-000001",
        TicketStatus.Pending,
        "alice",
        "dev@example.com",
        "Login fails",
        HandoffReason.Requested,
        new TicketRequester("directline", "conv-1", "user-1", "Kim"),
        Created,
        Updated,
        [new TicketQuestion("logout fails", "answer", "logout", "not-helped")]);

    private static readonly TranscriptLine[] Transcript = [new(Created, "user", "Kim", "logout fails")];

    private JsonSerializerOptions ApiJson => host.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    [Fact]
    public void A_ticket_in_a_list_is_the_flat_ticket_with_the_user_and_without_questions_or_transcript()
    {
        Assert.Equal(
            """{"number":"SB-000001","status":"pending","assignee":"alice","email":"dev@example.com","summary":"Login fails","reason":"requested","channelId":"directline","conversationId":"conv-1","userId":"user-1","userName":"Kim","createdAt":"2025-03-01T09:00:00+09:00","updatedAt":"2025-03-01T09:05:00+00:00"}""",
            JsonSerializer.Serialize(TicketView.From(Ticket), ApiJson));
    }

    [Fact]
    public void A_ticket_without_user_or_assignee_writes_them_as_null()
    {
        var anonymous = Ticket with { Assignee = null, Summary = null, Requester = new TicketRequester("webchat", "conv-2", null, null) };

        Assert.Equal(
            """{"number":"SB-000001","status":"pending","assignee":null,"email":"dev@example.com","summary":null,"reason":"requested","channelId":"webchat","conversationId":"conv-2","userId":null,"userName":null,"createdAt":"2025-03-01T09:00:00+09:00","updatedAt":"2025-03-01T09:05:00+00:00"}""",
            JsonSerializer.Serialize(TicketView.From(anonymous), ApiJson));
    }

    [Fact]
    public void One_ticket_comes_with_its_questions_and_transcript()
    {
        Assert.Equal(
            """{"number":"SB-000001","status":"pending","assignee":"alice","email":"dev@example.com","summary":"Login fails","reason":"requested","channelId":"directline","conversationId":"conv-1","userId":"user-1","userName":"Kim","createdAt":"2025-03-01T09:00:00+09:00","updatedAt":"2025-03-01T09:05:00+00:00","questions":[{"text":"logout fails","outcome":"answer","entryId":"logout","feedback":"not-helped"}],"transcript":[{"timestamp":"2025-03-01T09:00:00+09:00","role":"user","name":"Kim","text":"logout fails"}]}""",
            JsonSerializer.Serialize(TicketView.From(Ticket, Transcript), ApiJson));
    }

    [Fact]
    public void The_webhook_body_is_the_flat_ticket_in_utc_without_the_user_and_with_the_changes()
    {
        var now = new DateTimeOffset(2025, 3, 1, 18, 5, 0, TimeSpan.FromHours(9));
        var changes = TicketEvents.Changes(Ticket with { Status = TicketStatus.Open, Assignee = null }, Ticket);

        var updated = TicketEvents.New(TicketEvents.Updated, Ticket, changes, now);

        Assert.Equal(
            """{"id":"EVENT_ID","type":"ticket.updated","createdAt":"2025-03-01T09:05:00+00:00","ticket":{"number":"SB-000001","status":"pending","assignee":"alice","email":"dev@example.com","summary":"Login fails","reason":"requested","channelId":"directline","conversationId":"conv-1","createdAt":"2025-03-01T00:00:00+00:00","updatedAt":"2025-03-01T09:05:00+00:00"},"changes":{"status":{"from":"open","to":"pending"},"assignee":{"from":null,"to":"alice"}}}""".Replace("EVENT_ID", updated.Id, StringComparison.Ordinal),
            updated.Payload);
    }

    [Fact]
    public void The_created_webhook_body_has_no_changes_and_writes_missing_values_as_null()
    {
        var anonymous = Ticket with { Assignee = null, Summary = null, Requester = new TicketRequester("webchat", "conv-2", null, null) };

        var created = TicketEvents.New(TicketEvents.Created, anonymous, null, Updated);

        Assert.Equal(
            """{"id":"EVENT_ID","type":"ticket.created","createdAt":"2025-03-01T09:05:00+00:00","ticket":{"number":"SB-000001","status":"pending","assignee":null,"email":"dev@example.com","summary":null,"reason":"requested","channelId":"webchat","conversationId":"conv-2","createdAt":"2025-03-01T00:00:00+00:00","updatedAt":"2025-03-01T09:05:00+00:00"}}""".Replace("EVENT_ID", created.Id, StringComparison.Ordinal),
            created.Payload);
    }
}
