using Microsoft.Bot.Schema;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Tests.Storage;

/// <summary>The stores a retention test writes through, and the retention that ages them, over one provider's storage.</summary>
public sealed record RetentionStores(
    IRetentionStore Retention,
    IQuestionInsights Questions,
    IDirectLineStore DirectLine,
    ITicketStore Tickets,
    ITicketOutbox Outbox,
    IHandoffStore Handoffs);

/// <summary>
/// What every provider's retention does: deletes only what is older than the cutoff, at most a
/// batch per call, and never an undelivered webhook event. A provider's tests subclass this and
/// return fresh, empty stores on the given clock.
/// </summary>
public abstract class RetentionContractTests
{
    protected static readonly DateTimeOffset Cutoff = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private RetentionStores? _stores;

    /// <summary>The stores' clock: tickets are created and changed at its time.</summary>
    protected FakeTimeProvider Time { get; } = new(Cutoff.AddDays(-10));

    protected RetentionStores Stores => _stores ??= CreateStores(Time);

    /// <summary>New, empty stores sharing one storage; called once per test.</summary>
    protected abstract RetentionStores CreateStores(TimeProvider time);

    private static AskedQuestion Question(string id, DateTimeOffset askedAt) =>
        new(id, "conversation-1", askedAt, $"question {id}", "en-US", QuestionOutcomes.Answer, "android-keyhash-mismatch", 0.8, "android-keyhash-mismatch");

    private async Task<IReadOnlyList<string>> QuestionIdsAsync() =>
        (await Stores.Questions.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 1000)).Select(q => q.Id).Order().ToList();

    private async Task<int> DeleteAllAsync(RetentionKind kind, int batchSize = 500)
    {
        var total = 0;
        int batch;
        while ((batch = await Stores.Retention.DeleteOlderThanAsync(kind, Cutoff, batchSize)) > 0)
        {
            total += batch;
        }

        return total;
    }

    [Fact]
    public async Task Questions_asked_before_the_cutoff_are_deleted_and_later_ones_kept()
    {
        await Stores.Questions.SaveAsync([Question("old", Cutoff.AddDays(-1)), Question("new", Cutoff.AddDays(1))]);
        Assert.Equal(["new", "old"], await QuestionIdsAsync());

        Assert.Equal(1, await Stores.Retention.DeleteOlderThanAsync(RetentionKind.Questions, Cutoff, 500));

        Assert.Equal(["new"], await QuestionIdsAsync());
    }

    [Fact]
    public async Task One_call_deletes_at_most_the_batch_size()
    {
        await Stores.Questions.SaveAsync([.. Enumerable.Range(0, 5).Select(i => Question($"old-{i}", Cutoff.AddHours(-i - 1)))]);
        Assert.Equal(5, (await QuestionIdsAsync()).Count);

        var batches = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            batches.Add(await Stores.Retention.DeleteOlderThanAsync(RetentionKind.Questions, Cutoff, 2));
        }

        Assert.Equal([2, 2, 1, 0], batches);
        Assert.Empty(await QuestionIdsAsync());
    }

    [Fact]
    public async Task Direct_Line_conversations_started_before_the_cutoff_go_with_their_activities()
    {
        await StartAsync("old", Cutoff.AddDays(-1));
        await StartAsync("new", Cutoff.AddDays(1));

        // Two activities and the conversation, a row at a time.
        Assert.Equal(3, await DeleteAllAsync(RetentionKind.DirectLine, batchSize: 1));

        Assert.Null(await Stores.DirectLine.FindAsync("old", CancellationToken.None));
        Assert.NotNull(await Stores.DirectLine.FindAsync("new", CancellationToken.None));
        Assert.Equal(2, (await Stores.DirectLine.ReadAsync("new", 0, 10, CancellationToken.None)).Activities.Count);
    }

    [Fact]
    public async Task Delivered_outbox_rows_older_than_the_cutoff_go_but_pending_and_dead_ones_never_do()
    {
        var events = await CreateTicketsWithEventsAsync(4);
        await Stores.Outbox.RecordDeliveredAsync(events[0].Id, 1, Cutoff.AddDays(-5));
        await Stores.Outbox.RecordFailedAsync(events[1].Id, 8, "410 Gone", retryAt: null, failedAt: Cutoff.AddDays(-5));
        await Stores.Outbox.RecordDeliveredAsync(events[3].Id, 1, Cutoff.AddDays(1));

        Assert.Equal(1, await DeleteAllAsync(RetentionKind.Outbox));

        Assert.Equal(
            (1L, 1L, 1L),
            (await Stores.Outbox.CountEventsAsync(TicketEventState.Delivered), await Stores.Outbox.CountEventsAsync(TicketEventState.Dead), await Stores.Outbox.CountEventsAsync(TicketEventState.Pending)));
        Assert.Equal(events[3].Id, Assert.Single(await Stores.Outbox.ListEventsAsync(TicketEventState.Delivered, 10)).Id);
    }

    [Fact]
    public async Task Tickets_last_changed_before_the_cutoff_go_unless_one_of_their_events_is_undelivered()
    {
        var events = await CreateTicketsWithEventsAsync(3);
        await Stores.Outbox.RecordDeliveredAsync(events[0].Id, 1, Cutoff.AddDays(-5));
        await Stores.Outbox.RecordFailedAsync(events[1].Id, 8, "410 Gone", retryAt: null, failedAt: Cutoff.AddDays(-5));
        Time.SetUtcNow(Cutoff.AddDays(1));
        var recent = await Stores.Tickets.CreateAsync(TicketStoreContractTests.Request(conversation: "recent"));

        Assert.Equal(2, await DeleteAllAsync(RetentionKind.Tickets));

        Assert.Null(await Stores.Tickets.FindAsync(events[0].TicketNumber));
        Assert.NotNull(await Stores.Tickets.FindAsync(events[1].TicketNumber));
        Assert.NotNull(await Stores.Tickets.FindAsync(events[2].TicketNumber));
        Assert.NotNull(await Stores.Tickets.FindAsync(recent.Number));
        Assert.Equal(0L, await Stores.Outbox.CountEventsAsync(TicketEventState.Delivered));
    }

    [Fact]
    public async Task A_ticket_created_after_retention_deleted_the_newest_gets_a_new_number()
    {
        var events = await CreateTicketsWithEventsAsync(2);
        await Stores.Outbox.RecordDeliveredAsync(events[0].Id, 1, Cutoff.AddDays(-5));
        await Stores.Outbox.RecordDeliveredAsync(events[1].Id, 1, Cutoff.AddDays(-5));
        await DeleteAllAsync(RetentionKind.Tickets);

        var next = await Stores.Tickets.CreateAsync(TicketStoreContractTests.Request(conversation: "next"));

        Assert.Equal(TicketNumber.Format(3), next.Number);
        Assert.Null(await Stores.Tickets.FindAsync(TicketNumber.Format(2)));
        Assert.Equal(next.Number, (await Stores.Tickets.FindAsync(next.Number))?.Number);
    }

    [Fact]
    public async Task Handoffs_ended_before_the_cutoff_go_with_their_logs_and_open_or_later_ones_stay()
    {
        var old = await HandoffAsync("old", Cutoff.AddDays(-3), endedAt: Cutoff.AddDays(-2));
        var late = await HandoffAsync("late", Cutoff.AddDays(-3), endedAt: Cutoff.AddDays(1));
        var stillWaiting = await HandoffAsync("waiting", Cutoff.AddDays(-30), endedAt: null);

        // Two activities and the handoff, a row at a time.
        Assert.Equal(3, await DeleteAllAsync(RetentionKind.Handoffs, batchSize: 1));

        Assert.Null(await Stores.Handoffs.FindAsync(old.Id));
        Assert.Empty((await Stores.Handoffs.ReadAsync(old.Id, 0, 10)).Activities);
        Assert.NotNull(await Stores.Handoffs.FindAsync(late.Id));
        Assert.Equal(2, (await Stores.Handoffs.ReadAsync(late.Id, 0, 10)).Activities.Count);
        Assert.Equal(HandoffStatus.Waiting, (await Stores.Handoffs.FindAsync(stillWaiting.Id))?.Status);
        Assert.Equal(2, (await Stores.Handoffs.ReadAsync(stillWaiting.Id, 0, 10)).Activities.Count);
    }

    private async Task<Handoff> HandoffAsync(string conversationId, DateTimeOffset queuedAt, DateTimeOffset? endedAt)
    {
        var handoff = await Stores.Handoffs.QueueAsync(
            new NewHandoff("webchat", conversationId, "user-1", "Ana", "en", "{}", [new TicketQuestion("help", QuestionOutcomes.Fallback, null, null)]), queuedAt);
        await Stores.Handoffs.AppendAsync(handoff.Id, """{"type":"message","text":"hello"}""");
        await Stores.Handoffs.AppendAsync(handoff.Id, """{"type":"message","text":"my card number"}""");
        if (endedAt is { } ended)
        {
            await Stores.Handoffs.EndAsync(handoff.Id, HandoffEndReason.Cancelled, null, ended);
        }

        return handoff;
    }

    private async Task StartAsync(string conversationId, DateTimeOffset startedAt)
    {
        Assert.True(await Stores.DirectLine.TryStartAsync(new DirectLineConversation(conversationId, "user-1", startedAt), CancellationToken.None));
        foreach (var text in new[] { "hello", "keyhash" })
        {
            await Stores.DirectLine.AppendAsync(conversationId, new Activity(ActivityTypes.Message) { Text = text, From = new ChannelAccount("user-1") }, CancellationToken.None);
        }
    }

    // Tickets created before the cutoff, each with its one "created" event, claimed so that it can be recorded.
    private async Task<IReadOnlyList<TicketEvent>> CreateTicketsWithEventsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Stores.Tickets.CreateAsync(TicketStoreContractTests.Request(conversation: $"conversation-{i}"));
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        var claimed = await Stores.Outbox.ClaimDueAsync(Time.GetUtcNow(), TimeSpan.FromSeconds(30), 100);
        Assert.Equal(count, claimed.Count);
        return claimed;
    }
}
