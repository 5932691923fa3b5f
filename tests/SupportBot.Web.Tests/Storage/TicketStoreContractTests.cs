using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// What every ticket store does, tickets and outbox alike. A provider's tests subclass this and
/// return a fresh, empty store (one object, both interfaces) on the given clock.
/// </summary>
public abstract class TicketStoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private (ITicketStore Tickets, ITicketOutbox Outbox)? _store;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private ITicketStore Tickets => (_store ??= CreateStore(Time)).Tickets;

    private ITicketOutbox Outbox => (_store ??= CreateStore(Time)).Outbox;

    /// <summary>A new, empty store; called once per test.</summary>
    protected abstract (ITicketStore Tickets, ITicketOutbox Outbox) CreateStore(TimeProvider time);

    public static NewTicket Request(string email = "dev@example.com", string conversation = "conversation-1") => new(
        email,
        "Login fails after the key hash change",
        HandoffReason.Requested,
        new TicketRequester("webchat", conversation, "user-1", "Dev"),
        [new TicketQuestion("keyhash mismatch android", "answer", "android-keyhash-mismatch", "not-helped")],
        [
            new TranscriptLine(new DateTimeOffset(2025, 3, 1, 8, 59, 0, TimeSpan.Zero).AddTicks(1234567), "user", "Dev", "keyhash mismatch android"),
            new TranscriptLine(new DateTimeOffset(2025, 3, 1, 8, 59, 1, TimeSpan.Zero), "bot", "SupportBot", "This error occurs when ..."),
        ]);

    private async Task<List<Ticket>> CreateManyAsync(int count)
    {
        var created = new List<Ticket>();
        for (var i = 0; i < count; i++)
        {
            created.Add(await Tickets.CreateAsync(Request(conversation: $"conversation-{i}")));
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        return created;
    }

    [Fact]
    public async Task Created_tickets_are_open_and_numbered_in_order()
    {
        var created = await CreateManyAsync(3);

        Assert.Equal(["SB-000001", "SB-000002", "SB-000003"], created.Select(t => t.Number));
        Assert.All(created, t => Assert.Equal(TicketStatus.Open, t.Status));
        Assert.All(created, t => Assert.Null(t.Assignee));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), created[0].CreatedAt);
        Assert.All(created, t => Assert.Equal(t.CreatedAt, t.UpdatedAt));
    }

    [Fact]
    public async Task A_ticket_is_found_by_its_number_with_its_questions_and_transcript()
    {
        var request = Request();
        var created = await Tickets.CreateAsync(request);

        var found = await Tickets.FindAsync("sb-000001");
        var transcript = await Tickets.FindTranscriptAsync(created.Number);

        Assert.NotNull(found);
        Assert.Equal(created with { Questions = [] }, found with { Questions = [] });
        Assert.Equal(request.Questions, found.Questions);
        Assert.Equal(request.Requester, found.Requester);
        Assert.Equal("Login fails after the key hash change", found.Summary);
        Assert.Equal(request.Transcript, transcript);
    }

    [Theory]
    [InlineData("SB-000099")]
    [InlineData("SB-0")]
    [InlineData("SB-")]
    [InlineData("123")]
    [InlineData("SB-12x")]
    public async Task A_number_that_is_not_a_ticket_finds_nothing_and_changes_nothing(string number)
    {
        await Tickets.CreateAsync(Request());

        Assert.Null(await Tickets.FindAsync(number));
        Assert.Null(await Tickets.FindTranscriptAsync(number));
        Assert.Null(await Tickets.UpdateAsync(number, TicketChange.ToStatus(TicketStatus.Solved)));
    }

    [Fact]
    public async Task An_update_changes_status_and_assignee_and_the_update_time()
    {
        var created = await Tickets.CreateAsync(Request());
        Time.Advance(TimeSpan.FromMinutes(5));

        var pending = await Tickets.UpdateAsync(created.Number, new TicketChange(TicketStatus.Pending, true, "alice"));
        var unassigned = await Tickets.UpdateAsync(created.Number, TicketChange.AssignTo(null));

        Assert.Equal((TicketStatus.Pending, "alice"), (pending!.Status, pending.Assignee));
        Assert.Equal(created.CreatedAt.AddMinutes(5), pending.UpdatedAt);
        Assert.Equal((TicketStatus.Pending, (string?)null), (unassigned!.Status, unassigned.Assignee));
        var stored = await Tickets.FindAsync(created.Number);
        Assert.Equal(unassigned, stored! with { Questions = unassigned.Questions });
    }

    [Theory]
    [InlineData("closed")]
    [InlineData("Open")]
    public async Task A_status_that_is_not_one_is_refused(string status)
    {
        var created = await Tickets.CreateAsync(Request());

        await Assert.ThrowsAsync<ArgumentException>(() => Tickets.UpdateAsync(created.Number, TicketChange.ToStatus(status)));
        Assert.Equal(TicketStatus.Open, (await Tickets.FindAsync(created.Number))!.Status);
    }

    [Fact]
    public async Task Lists_are_newest_first_with_the_total()
    {
        await CreateManyAsync(3);

        var page = await Tickets.ListAsync(new TicketQuery());

        Assert.Equal(["SB-000003", "SB-000002", "SB-000001"], page.Items.Select(t => t.Number));
        Assert.Equal(3, page.Total);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Filters_on_status_assignee_and_creation_time_combine()
    {
        var created = await CreateManyAsync(5);
        await Tickets.UpdateAsync(created[1].Number, new TicketChange(TicketStatus.Pending, true, "alice"));
        await Tickets.UpdateAsync(created[2].Number, new TicketChange(TicketStatus.Pending, true, "bob"));
        await Tickets.UpdateAsync(created[3].Number, TicketChange.AssignTo("alice"));

        async Task<IEnumerable<string>> Numbers(TicketQuery query) => (await Tickets.ListAsync(query)).Items.Select(t => t.Number);

        Assert.Equal(["SB-000003", "SB-000002"], await Numbers(new TicketQuery(Status: TicketStatus.Pending)));
        Assert.Equal(["SB-000004", "SB-000002"], await Numbers(new TicketQuery(Assignee: "alice")));
        Assert.Equal(["SB-000002"], await Numbers(new TicketQuery(Status: TicketStatus.Pending, Assignee: "alice")));
        Assert.Empty(await Numbers(new TicketQuery(Assignee: "Alice")));

        // From is inclusive, to exclusive.
        Assert.Equal(["SB-000004", "SB-000003", "SB-000002"], await Numbers(new TicketQuery(CreatedFrom: created[1].CreatedAt, CreatedTo: created[4].CreatedAt)));
        Assert.Equal(["SB-000003"], await Numbers(new TicketQuery(Status: TicketStatus.Pending, CreatedFrom: created[2].CreatedAt)));
        Assert.Equal(1, (await Tickets.ListAsync(new TicketQuery(Status: TicketStatus.Pending, CreatedFrom: created[2].CreatedAt))).Total);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_to_the_last_one()
    {
        await CreateManyAsync(5);

        var first = await Tickets.ListAsync(new TicketQuery(Limit: 2));
        var second = await Tickets.ListAsync(new TicketQuery(Limit: 2, Cursor: first.NextCursor));
        var last = await Tickets.ListAsync(new TicketQuery(Limit: 2, Cursor: second.NextCursor));

        Assert.Equal(["SB-000005", "SB-000004"], first.Items.Select(t => t.Number));
        Assert.Equal(["SB-000003", "SB-000002"], second.Items.Select(t => t.Number));
        Assert.Equal(["SB-000001"], last.Items.Select(t => t.Number));
        Assert.All([first, second, last], p => Assert.Equal(5, p.Total));
        Assert.NotNull(second.NextCursor);
        Assert.Null(last.NextCursor);
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_last_ticket_has_no_next_cursor()
    {
        await CreateManyAsync(2);

        var page = await Tickets.ListAsync(new TicketQuery(Limit: 2));

        Assert.Equal(2, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task A_cursor_that_is_not_a_ticket_number_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Tickets.ListAsync(new TicketQuery(Cursor: "page-2")));
    }

    [Fact]
    public async Task Concurrent_creates_get_distinct_numbers()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Tickets.CreateAsync(Request(conversation: $"c-{i}")))));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => TicketNumber.Format(i)), created.Select(t => t.Number).Order());
    }

    [Fact]
    public async Task Creating_and_updating_record_events_whose_body_holds_the_ticket()
    {
        var created = await Tickets.CreateAsync(Request());
        await Tickets.UpdateAsync(created.Number, new TicketChange(TicketStatus.Pending, true, "alice"));

        var events = await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10);

        Assert.Equal([TicketEvents.Created, TicketEvents.Updated], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(created.Number, e.TicketNumber));
        Assert.Equal(2, events.Select(e => e.Id).Distinct().Count());
        var createdBody = JsonNode.Parse(events[0].Payload)!;
        Assert.Equal(events[0].Id, (string?)createdBody["id"]);
        Assert.Equal("ticket.created", (string?)createdBody["type"]);
        Assert.Equal("SB-000001", (string?)createdBody["ticket"]!["number"]);
        Assert.Equal("dev@example.com", (string?)createdBody["ticket"]!["email"]);
        Assert.Null(createdBody["changes"]);
        var updatedBody = JsonNode.Parse(events[1].Payload)!;
        Assert.Equal("pending", (string?)updatedBody["ticket"]!["status"]);
        Assert.Equal("open", (string?)updatedBody["changes"]!["status"]!["from"]);
        Assert.Equal("pending", (string?)updatedBody["changes"]!["status"]!["to"]);
        Assert.Equal("alice", (string?)updatedBody["changes"]!["assignee"]!["to"]);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_records_no_event()
    {
        var created = await Tickets.CreateAsync(Request());

        var same = await Tickets.UpdateAsync(created.Number, new TicketChange(TicketStatus.Open, true, null));

        Assert.Equal(created.UpdatedAt, same!.UpdatedAt);
        Assert.Single(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));
    }

    [Fact]
    public async Task Recording_an_event_wakes_whoever_waits_for_one()
    {
        var next = Outbox.NextEventRecorded;
        Assert.False(next.IsCompleted);

        await Tickets.CreateAsync(Request());

        Assert.True(next.IsCompleted);
        Assert.False(Outbox.NextEventRecorded.IsCompleted);
    }

    [Fact]
    public async Task A_claimed_event_is_held_back_until_its_lease_ends()
    {
        await Tickets.CreateAsync(Request());

        var claimed = await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10);
        var again = await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10);
        Time.Advance(Lease);
        var afterLease = await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10);

        Assert.Single(claimed);
        Assert.Empty(again);
        Assert.Equal(claimed[0].Id, Assert.Single(afterLease).Id);
    }

    [Fact]
    public async Task A_delivered_event_is_not_sent_again()
    {
        await Tickets.CreateAsync(Request());
        var e = Assert.Single(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));

        await Outbox.RecordDeliveredAsync(e.Id, 1, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));
        Assert.Null(await Outbox.NextAttemptAtAsync());
        var delivered = Assert.Single(await Outbox.ListEventsAsync(TicketEventState.Delivered, 10));
        Assert.Equal((e.Id, 1, TicketEventState.Delivered), (delivered.Id, delivered.Attempts, delivered.State));
    }

    [Fact]
    public async Task A_failed_event_is_due_again_at_its_retry_time()
    {
        await Tickets.CreateAsync(Request());
        var e = Assert.Single(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));
        var retryAt = Time.GetUtcNow().AddMinutes(2);

        await Outbox.RecordFailedAsync(e.Id, 1, "HTTP 503", retryAt, Time.GetUtcNow());

        Assert.Equal(retryAt, await Outbox.NextAttemptAtAsync());
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));
        Time.Advance(TimeSpan.FromMinutes(1));
        var retried = Assert.Single(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));
        Assert.Equal((e.Id, 1, "HTTP 503", e.Payload), (retried.Id, retried.Attempts, retried.LastError, retried.Payload));
    }

    [Fact]
    public async Task An_event_given_up_is_dead_and_stays_listed()
    {
        await Tickets.CreateAsync(Request());
        var e = Assert.Single(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));

        await Outbox.RecordFailedAsync(e.Id, 5, "HTTP 500", retryAt: null, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 10));
        Assert.Null(await Outbox.NextAttemptAtAsync());
        Assert.Empty(await Outbox.ListEventsAsync(TicketEventState.Pending, 10));
        var dead = Assert.Single(await Outbox.ListEventsAsync(TicketEventState.Dead, 10));
        Assert.Equal((e.Id, 5, "HTTP 500", TicketEventState.Dead), (dead.Id, dead.Attempts, dead.LastError, dead.State));
    }

    [Fact]
    public async Task Due_events_come_oldest_first_and_at_most_the_limit()
    {
        await CreateManyAsync(3);

        var due = await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 2);

        Assert.Equal(["SB-000001", "SB-000002"], due.Select(e => e.TicketNumber));
        // The third, created a minute ago, is the one still due.
        Assert.Equal(Time.GetUtcNow().AddMinutes(-1), await Outbox.NextAttemptAtAsync());
    }

    [Fact]
    public async Task The_outbox_counts_its_events_by_state()
    {
        await CreateManyAsync(3);
        var due = await Outbox.ClaimDueAsync(Time.GetUtcNow(), Lease, 2);
        await Outbox.RecordDeliveredAsync(due[0].Id, 1, Time.GetUtcNow());
        await Outbox.RecordFailedAsync(due[1].Id, 5, "HTTP 500", retryAt: null, Time.GetUtcNow());

        Assert.Equal(1, await Outbox.CountEventsAsync(TicketEventState.Pending));
        Assert.Equal(1, await Outbox.CountEventsAsync(TicketEventState.Delivered));
        Assert.Equal(1, await Outbox.CountEventsAsync(TicketEventState.Dead));
    }

    [Fact]
    public async Task Tickets_are_counted_per_user_and_channel_since_a_time_with_the_oldest()
    {
        var user = new TicketRequester("webchat", "conversation-1", "user-1", "Dev");
        var start = Time.GetUtcNow();
        await Tickets.CreateAsync(Request());
        Time.Advance(TimeSpan.FromMinutes(10));
        await Tickets.CreateAsync(Request(conversation: "conversation-2"));
        await Tickets.CreateAsync(Request() with { Requester = user with { UserId = "user-2" } });
        await Tickets.CreateAsync(Request() with { Requester = user with { ChannelId = "msteams" } });
        Time.Advance(TimeSpan.FromMinutes(10));

        var all = await Tickets.CountCreatedSinceAsync(user, start);
        var lastFifteenMinutes = await Tickets.CountCreatedSinceAsync(user, Time.GetUtcNow().AddMinutes(-15));
        var none = await Tickets.CountCreatedSinceAsync(user, Time.GetUtcNow());
        var someoneElse = await Tickets.CountCreatedSinceAsync(user with { UserId = "user-3" }, start);

        Assert.Equal(new RecentTickets(2, start), all);
        Assert.Equal(new RecentTickets(1, start.AddMinutes(10)), lastFifteenMinutes);
        Assert.Equal(new RecentTickets(0, null), none);
        Assert.Equal(new RecentTickets(0, null), someoneElse);
    }

    [Fact]
    public async Task Without_a_user_id_tickets_are_counted_per_conversation()
    {
        var anonymous = new TicketRequester("webchat", "conversation-9", null, null);
        var start = Time.GetUtcNow();
        await Tickets.CreateAsync(Request() with { Requester = anonymous });
        await Tickets.CreateAsync(Request() with { Requester = anonymous with { ConversationId = "conversation-8" } });

        Assert.Equal(new RecentTickets(1, start), await Tickets.CountCreatedSinceAsync(anonymous, start));
    }
}
