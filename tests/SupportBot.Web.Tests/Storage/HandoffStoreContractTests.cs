using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// The contract every handoff store passes (the memory store's semantics). A provider's tests
/// subclass this and return a fresh, empty store over a notifier from <see cref="CreateStore"/>.
/// </summary>
public abstract class HandoffStoreContractTests
{
    protected static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    private IHandoffStore? _store;

    protected IHandoffStore Store => _store ??= CreateStore(Notifier);

    protected InProcessConversationNotifier Notifier { get; } = new(
        Options.Create(new DirectLineOptions()), NullLogger<InProcessConversationNotifier>.Instance);

    /// <summary>A new, empty store publishing on <paramref name="notifier"/>; called once per test.</summary>
    protected abstract IHandoffStore CreateStore(IConversationNotifier notifier);

    protected static NewHandoff Conversation(string conversationId, string channelId = "webchat", string? userId = "u-1") => new(
        channelId, conversationId, userId, "Jiwoo", "ko", """{"conversation":{"id":"%"}}""".Replace("%", conversationId, StringComparison.Ordinal),
        [new TicketQuestion("How do I log in with Kakao?", "answered", "login-1", null), new TicketQuestion("agent please", "fallback", null, "down")]);

    [Fact]
    public async Task A_queued_handoff_is_waiting_and_found_with_everything_the_bot_gave()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);

        var found = await Store.FindAsync(queued.Id);

        Assert.NotNull(found);
        Assert.Equal(HandoffStatus.Waiting, found.Status);
        Assert.Equal(("webchat", "c-1", "u-1", "Jiwoo", "ko"), (found.ChannelId, found.ConversationId, found.UserId, found.UserName, found.Language));
        Assert.Equal("""{"conversation":{"id":"c-1"}}""", found.ConversationReference);
        Assert.Equal(Now, found.WaitingSince);
        Assert.Equal(Conversation("c-1").Questions, found.Questions);
        Assert.Equal((null, null, null, null, null), (found.Agent, found.AcceptedAt, found.EndedAt, found.EndReason, found.Satisfaction));
        Assert.Null(await Store.FindAsync("no-such-handoff"));
    }

    [Fact]
    public async Task Queueing_a_conversation_twice_returns_its_open_handoff_and_queues_nothing()
    {
        var first = await Store.QueueAsync(Conversation("c-1"), Now);

        var second = await Store.QueueAsync(Conversation("c-1"), Now.AddMinutes(1));
        await Store.AcceptAsync(first.Id, "Minji", Now.AddMinutes(2));
        var third = await Store.QueueAsync(Conversation("c-1"), Now.AddMinutes(3));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(Now, second.WaitingSince);
        Assert.Equal((first.Id, HandoffStatus.Active), (third.Id, third.Status));
        Assert.Single(await Store.ListQueuedSinceAsync(Now));
        Assert.Equal(first.Id, (await Store.FindOpenAsync("webchat", "c-1"))?.Id);
    }

    [Fact]
    public async Task Once_its_handoff_ended_a_conversation_can_be_queued_again()
    {
        var first = await Store.QueueAsync(Conversation("c-1"), Now);
        await Store.EndAsync(first.Id, HandoffEndReason.Cancelled, null, Now.AddMinutes(1));

        var second = await Store.QueueAsync(Conversation("c-1"), Now.AddMinutes(2));

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(second.Id, (await Store.FindOpenAsync("webchat", "c-1"))?.Id);
        Assert.Null(await Store.FindOpenAsync("msteams", "c-1"));
    }

    [Fact]
    public async Task The_same_conversation_id_on_another_channel_is_another_handoff()
    {
        var webChat = await Store.QueueAsync(Conversation("c-1"), Now);
        var teams = await Store.QueueAsync(Conversation("c-1", channelId: "msteams"), Now);

        Assert.NotEqual(webChat.Id, teams.Id);
    }

    [Fact]
    public async Task Places_in_the_queue_follow_the_order_of_waiting_and_move_up_when_one_is_taken()
    {
        var first = await Store.QueueAsync(Conversation("c-1"), Now);
        var second = await Store.QueueAsync(Conversation("c-2"), Now.AddSeconds(10));
        var third = await Store.QueueAsync(Conversation("c-3"), Now.AddSeconds(20));

        Assert.Equal([1, 2, 3], [await Store.PlaceAsync(first.Id), await Store.PlaceAsync(second.Id), await Store.PlaceAsync(third.Id)]);

        await Store.AcceptAsync(first.Id, "Minji", Now.AddMinutes(1));

        Assert.Null(await Store.PlaceAsync(first.Id));
        Assert.Equal(1, await Store.PlaceAsync(second.Id));
        Assert.Equal(2, await Store.PlaceAsync(third.Id));
        Assert.Null(await Store.PlaceAsync("no-such-handoff"));
    }

    [Fact]
    public async Task Handoffs_queued_in_the_same_instant_keep_the_order_they_were_queued_in()
    {
        var ids = new List<string>();
        foreach (var conversation in new[] { "c-1", "c-2", "c-3" })
        {
            ids.Add((await Store.QueueAsync(Conversation(conversation), Now)).Id);
        }

        Assert.Equal(ids, (await Store.ListAsync(HandoffStatus.Waiting, 10)).Select(h => h.Id));
        Assert.Equal(3, await Store.PlaceAsync(ids[2]));
    }

    [Fact]
    public async Task An_agent_accepts_a_waiting_handoff_once()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);

        var accepted = await Store.AcceptAsync(queued.Id, "Minji", Now.AddSeconds(40));
        var again = await Store.AcceptAsync(queued.Id, "Seojun", Now.AddSeconds(41));

        Assert.Equal(HandoffChangeResult.Changed, accepted.Result);
        Assert.Equal((HandoffStatus.Active, "Minji", Now.AddSeconds(40)), (accepted.Handoff!.Status, accepted.Handoff.Agent, accepted.Handoff.AcceptedAt));
        Assert.Equal(HandoffChangeResult.HeldByAnother, again.Result);
        Assert.Equal("Minji", again.Handoff?.Agent);
        Assert.Equal(("Minji", HandoffStatus.Active), ((await Store.FindAsync(queued.Id))?.Agent, (await Store.FindAsync(queued.Id))?.Status));
    }

    [Fact]
    public async Task Of_agents_accepting_one_handoff_at_once_exactly_one_wins()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);

        var changes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Store.AcceptAsync(queued.Id, $"agent-{i}", Now))));

        var winner = Assert.Single(changes, c => c.Result == HandoffChangeResult.Changed);
        Assert.All(changes.Where(c => c != winner), c => Assert.Equal(HandoffChangeResult.HeldByAnother, c.Result));
        Assert.Equal(winner.Handoff!.Agent, (await Store.FindAsync(queued.Id))?.Agent);
    }

    [Fact]
    public async Task An_ended_or_unknown_handoff_cannot_be_accepted()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);
        await Store.EndAsync(queued.Id, HandoffEndReason.TimedOut, null, Now.AddMinutes(3));

        var late = await Store.AcceptAsync(queued.Id, "Minji", Now.AddMinutes(4));
        var unknown = await Store.AcceptAsync("no-such-handoff", "Minji", Now);

        Assert.Equal(HandoffChangeResult.NotOpen, late.Result);
        Assert.Equal(HandoffStatus.Ended, late.Handoff?.Status);
        Assert.Null(late.Handoff?.Agent);
        Assert.Equal(new HandoffChange(HandoffChangeResult.NotFound, null), unknown);
    }

    [Fact]
    public async Task Only_the_agent_holding_a_handoff_ends_it_by_name()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);
        await Store.AcceptAsync(queued.Id, "Minji", Now.AddMinutes(1));

        var byAnother = await Store.EndAsync(queued.Id, HandoffEndReason.Completed, "Seojun", Now.AddMinutes(5));
        var byHolder = await Store.EndAsync(queued.Id, HandoffEndReason.Completed, "Minji", Now.AddMinutes(6));
        var twice = await Store.EndAsync(queued.Id, HandoffEndReason.Completed, "Minji", Now.AddMinutes(7));

        Assert.Equal((HandoffChangeResult.HeldByAnother, HandoffStatus.Active), (byAnother.Result, byAnother.Handoff?.Status));
        Assert.Equal(HandoffChangeResult.Changed, byHolder.Result);
        Assert.Equal((HandoffStatus.Ended, HandoffEndReason.Completed, Now.AddMinutes(6), "Minji"), (byHolder.Handoff!.Status, byHolder.Handoff.EndReason, byHolder.Handoff.EndedAt, byHolder.Handoff.Agent));
        Assert.Equal(HandoffChangeResult.NotOpen, twice.Result);
        Assert.Equal(Now.AddMinutes(6), (await Store.FindAsync(queued.Id))?.EndedAt);
        Assert.Null(await Store.FindOpenAsync("webchat", "c-1"));
    }

    [Fact]
    public async Task A_waiting_handoff_ends_without_an_agent_as_cancelled_or_timed_out_but_not_by_an_agent_name()
    {
        var cancelled = await Store.QueueAsync(Conversation("c-1"), Now);
        var timedOut = await Store.QueueAsync(Conversation("c-2"), Now);

        var byAgent = await Store.EndAsync(cancelled.Id, HandoffEndReason.Completed, "Minji", Now.AddMinutes(1));
        var byUser = await Store.EndAsync(cancelled.Id, HandoffEndReason.Cancelled, null, Now.AddMinutes(1));
        var bySweep = await Store.EndAsync(timedOut.Id, HandoffEndReason.TimedOut, null, Now.AddMinutes(3));

        Assert.Equal(HandoffChangeResult.HeldByAnother, byAgent.Result);
        Assert.Equal((HandoffChangeResult.Changed, HandoffEndReason.Cancelled, null), (byUser.Result, byUser.Handoff?.EndReason, byUser.Handoff?.AcceptedAt));
        Assert.Equal((HandoffChangeResult.Changed, HandoffEndReason.TimedOut), (bySweep.Result, bySweep.Handoff?.EndReason));
        Assert.Empty(await Store.ListAsync(HandoffStatus.Waiting, 10));
        Assert.Equal(HandoffChangeResult.NotFound, (await Store.EndAsync("no-such-handoff", HandoffEndReason.Cancelled, null, Now)).Result);
    }

    [Fact]
    public async Task Lists_order_waiting_by_wait_active_by_acceptance_and_ended_newest_first_up_to_the_limit()
    {
        var handoffs = new List<Handoff>();
        for (var i = 0; i < 6; i++)
        {
            handoffs.Add(await Store.QueueAsync(Conversation($"c-{i}"), Now.AddMinutes(i)));
        }

        await Store.AcceptAsync(handoffs[3].Id, "Minji", Now.AddMinutes(20));
        await Store.AcceptAsync(handoffs[2].Id, "Seojun", Now.AddMinutes(21));
        await Store.EndAsync(handoffs[0].Id, HandoffEndReason.Cancelled, null, Now.AddMinutes(30));
        await Store.EndAsync(handoffs[1].Id, HandoffEndReason.TimedOut, null, Now.AddMinutes(31));

        Assert.Equal([handoffs[4].Id, handoffs[5].Id], (await Store.ListAsync(HandoffStatus.Waiting, 10)).Select(h => h.Id));
        Assert.Equal([handoffs[4].Id], (await Store.ListAsync(HandoffStatus.Waiting, 1)).Select(h => h.Id));
        Assert.Equal([handoffs[3].Id, handoffs[2].Id], (await Store.ListAsync(HandoffStatus.Active, 10)).Select(h => h.Id));
        Assert.Equal([handoffs[1].Id, handoffs[0].Id], (await Store.ListAsync(HandoffStatus.Ended, 10)).Select(h => h.Id));
    }

    [Fact]
    public async Task Waiting_since_lists_only_handoffs_still_waiting_from_before_the_time_oldest_first()
    {
        var old = await Store.QueueAsync(Conversation("c-1"), Now);
        var older = await Store.QueueAsync(Conversation("c-2"), Now.AddMinutes(-1));
        var taken = await Store.QueueAsync(Conversation("c-3"), Now.AddMinutes(-2));
        await Store.QueueAsync(Conversation("c-4"), Now.AddMinutes(3));
        await Store.AcceptAsync(taken.Id, "Minji", Now);

        var expired = await Store.ListWaitingSinceAsync(Now.AddMinutes(3), 10);

        Assert.Equal([older.Id, old.Id], expired.Select(h => h.Id));
        Assert.Equal([older.Id], (await Store.ListWaitingSinceAsync(Now.AddMinutes(3), 1)).Select(h => h.Id));
        Assert.Empty(await Store.ListWaitingSinceAsync(Now.AddMinutes(-1), 10));
    }

    [Fact]
    public async Task Queued_since_lists_every_handoff_of_the_window_whatever_its_status()
    {
        var before = await Store.QueueAsync(Conversation("c-0"), Now.AddDays(-8));
        var waiting = await Store.QueueAsync(Conversation("c-1"), Now.AddDays(-7));
        var ended = await Store.QueueAsync(Conversation("c-2"), Now);
        await Store.EndAsync(ended.Id, HandoffEndReason.Cancelled, null, Now.AddMinutes(1));

        var window = await Store.ListQueuedSinceAsync(Now.AddDays(-7));

        Assert.Equal(new[] { waiting.Id, ended.Id }.Order(StringComparer.Ordinal), window.Select(h => h.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(before.Id, window.Select(h => h.Id));
    }

    [Fact]
    public async Task An_ended_handoff_is_rated_once_from_one_to_five()
    {
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);
        await Store.AcceptAsync(queued.Id, "Minji", Now);

        Assert.False(await Store.RateAsync(queued.Id, 5));
        await Store.EndAsync(queued.Id, HandoffEndReason.Completed, "Minji", Now.AddMinutes(4));
        Assert.True(await Store.RateAsync(queued.Id, 4));
        Assert.False(await Store.RateAsync(queued.Id, 1));
        Assert.False(await Store.RateAsync("no-such-handoff", 3));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.RateAsync(queued.Id, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.RateAsync(queued.Id, 6));

        Assert.Equal(4, (await Store.FindAsync(queued.Id))?.Satisfaction);
    }

    [Fact]
    public async Task Appended_activities_get_watermarks_one_two_three_per_handoff_and_are_read_after_a_watermark()
    {
        var first = await Store.QueueAsync(Conversation("c-1"), Now);
        var second = await Store.QueueAsync(Conversation("c-2"), Now);

        var watermarks = new List<long>();
        foreach (var text in new[] { "one", "two", "three" })
        {
            watermarks.Add(await Store.AppendAsync(first.Id, Json(text)));
        }

        Assert.Equal([1L, 2L, 3L], watermarks);
        Assert.Equal(1, await Store.AppendAsync(second.Id, Json("other")));

        var all = await Store.ReadAsync(first.Id, 0, 100);
        var later = await Store.ReadAsync(first.Id, 1, 100);
        var limited = await Store.ReadAsync(first.Id, 0, 2);
        var none = await Store.ReadAsync(first.Id, 3, 100);

        Assert.Equal([Json("one"), Json("two"), Json("three")], all.Activities.Select(a => a.ActivityJson));
        Assert.Equal([1L, 2L, 3L], all.Activities.Select(a => a.Watermark));
        Assert.Equal(3, all.Watermark);
        Assert.Equal([2L, 3L], later.Activities.Select(a => a.Watermark));
        Assert.Equal([1L, 2L], limited.Activities.Select(a => a.Watermark));
        Assert.Equal(2, limited.Watermark);
        Assert.Equal((0, 3L), (none.Activities.Count, none.Watermark));
        Assert.Equal([Json("other")], (await Store.ReadAsync(second.Id, 0, 100)).Activities.Select(a => a.ActivityJson));
    }

    [Fact]
    public async Task Appending_to_an_unknown_handoff_fails_and_reading_it_finds_nothing()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AppendAsync("no-such-handoff", Json("lost")));

        var read = await Store.ReadAsync("no-such-handoff", 0, 100);

        Assert.Equal((0, 0L), (read.Activities.Count, read.Watermark));
    }

    [Fact]
    public async Task Changes_and_appends_are_published_after_they_are_stored()
    {
        using var queue = Notifier.Subscribe(HandoffNotifications.Queue);
        var queued = await Store.QueueAsync(Conversation("c-1"), Now);
        using var log = Notifier.Subscribe(HandoffNotifications.Activities(queued.Id));

        await Store.QueueAsync(Conversation("c-1"), Now);
        await Store.AcceptAsync(queued.Id, "Minji", Now);
        await Store.AcceptAsync(queued.Id, "Seojun", Now);
        var watermark = await Store.AppendAsync(queued.Id, Json("hello"));
        await Store.EndAsync(queued.Id, HandoffEndReason.Completed, "Minji", Now);

        Assert.Equal([0L, 0L, 0L], Drain(queue));
        Assert.Equal([watermark], Drain(log));
    }

    [Fact]
    public async Task Presence_is_set_touched_and_listed_by_agent_name()
    {
        await Store.SetPresenceAsync("Seojun", AgentStatus.Away, Now);
        await Store.SetPresenceAsync("Minji", AgentStatus.Online, Now);
        await Store.SetPresenceAsync("Minji", AgentStatus.Online, Now.AddSeconds(5));
        await Store.TouchPresenceAsync("Seojun", Now.AddSeconds(30));
        await Store.TouchPresenceAsync("Nobody", Now.AddSeconds(30));

        var presence = await Store.ListPresenceAsync();

        Assert.Equal(
            [new AgentPresence("Minji", AgentStatus.Online, Now.AddSeconds(5)), new AgentPresence("Seojun", AgentStatus.Away, Now.AddSeconds(30))],
            presence);
    }

    [Fact]
    public async Task Going_offline_keeps_the_agent_listed_as_offline()
    {
        await Store.SetPresenceAsync("Minji", AgentStatus.Online, Now);
        await Store.SetPresenceAsync("Minji", AgentStatus.Offline, Now.AddMinutes(1));

        Assert.Equal([new AgentPresence("Minji", AgentStatus.Offline, Now.AddMinutes(1))], await Store.ListPresenceAsync());
    }

    protected static string Json(string text) => $$"""{"type":"message","text":"{{text}}"}""";

    private static List<long> Drain(IConversationSubscription subscription)
    {
        var watermarks = new List<long>();
        while (subscription.Watermarks.TryRead(out var watermark))
        {
            watermarks.Add(watermark);
        }

        return watermarks;
    }
}

public sealed class MemoryHandoffStoreContractTests : HandoffStoreContractTests
{
    protected override IHandoffStore CreateStore(IConversationNotifier notifier) => new MemoryHandoffStore(notifier);
}
