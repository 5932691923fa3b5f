using System.Reflection;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Privacy;
using SupportBot.Bot.Storage;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Storage.Memory;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;

namespace SupportBot.Bot.Tests.Handoffs;

/// <summary>
/// Live handoff from the user's side: the offer with the expected wait, the queue, cancelling,
/// the ticket flow when nobody is there, the bot's silence while an agent has the conversation,
/// and what the agent's side relays (joined, messages, the end and its satisfaction question, a timeout).
/// </summary>
[Collection(BotCollection.Name)]
public sealed class LiveHandoffTests : IDisposable
{
    private const string Agent = "Mina";
    private const string Email = "dev@example.com";

    // Monday 10:00 in Seoul.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 3, 1, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly MemoryTicketStore _tickets = new();
    private readonly MemoryTranscriptStore _transcripts = new();
    private readonly CountingHandoffStore _store = CountingHandoffStore.Over(new MemoryHandoffStore());
    private readonly BotFixture _fixture;
    private TestAdapter _adapter = null!;
    private ServiceProvider _services = null!;
    private IBot _bot = null!;

    public LiveHandoffTests(BotFixture fixture)
    {
        _fixture = fixture;
        Build(new LiveChatOptions(), redact: false);
    }

    /// <summary>The bot as the host wires it, over this test's stores and clock, with these settings.</summary>
    private void Build(LiveChatOptions options, bool redact)
    {
        _services?.Dispose();
        _adapter = new TestAdapter(TestAdapter.CreateConversation("live", "User1"));
        _adapter.Use(new TranscriptLoggerMiddleware(_transcripts));
        _services = _fixture.CreateServices(_storage, _tickets, _transcripts, extra: services => services
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton(_store.Store)
            .AddSingleton<BotAdapter>(_adapter)
            .Configure<LiveChatOptions>(o =>
            {
                o.OfficeHours = options.OfficeHours;
                o.PresenceTimeout = options.PresenceTimeout;
            })
            .Configure<RedactionOptions>(o => o.Redact = redact));
        _bot = _services.GetRequiredService<IBot>();
    }

    private string AnswerOf(string id) => _fixture.KnowledgeBase.Find(id)!.Answer;

    public void Dispose() => _services.Dispose();

    private IHandoffRelay Relay => _services.GetRequiredService<IHandoffRelay>();

    private IHandoffStore Store => _store.Store;

    private TestFlow Flow() => new(_adapter, _bot);

    private Task OnlineAsync(string agent = Agent) => Store.SetPresenceAsync(agent, AgentStatus.Online, _clock.GetUtcNow());

    private static string Offer(BotTexts texts, string wait) => BotTexts.Format(texts.LiveChatOffer, wait);

    private static Action<IActivity> IsLiveOffer(BotTexts texts, string wait) => a =>
    {
        Assert.Equal(Offer(texts, wait), a.Text());
        Assert.Equal([texts.Yes, texts.No], a.Choices());
    };

    private static Action<IActivity> IsQueued(BotTexts texts, int place) => a =>
    {
        Assert.Equal(BotTexts.Format(texts.LiveChatQueued, place), a.Text());
        Assert.Equal([texts.CancelWait], a.Choices());
    };

    private static Action<IActivity> IsEvent(string name) => a => Assert.Equal(name, ((IEventActivity)a).Name);

    private static Action<IActivity> IsStatus(string state) => a =>
    {
        var e = (IEventActivity)a;
        Assert.Equal(HandoffEventNames.HandoffStatus, e.Name);
        Assert.Equal(state, (string?)((JObject)e.Value)["state"]);
    };

    /// <summary>Asks for a person, says yes to live chat and is queued: the flow up to there.</summary>
    private TestFlow Queue(TestFlow flow, int place = 1) => flow
        .Send(BotTexts.English.TalkToPerson)
        .AssertReply(IsLiveOffer(BotTexts.English, BotTexts.English.LiveChatWaitUnknown))
        .Send("yes")
        .AssertReply(IsQueued(BotTexts.English, place))
        .AssertReply(IsEvent(HandoffEventNames.InitiateHandoff));

    private async Task<Handoff> OpenAsync() => (await Store.FindOpenAsync("test", "live"))!;

    private async Task<Handoff> AcceptAsync()
    {
        var change = await Store.AcceptAsync((await OpenAsync()).Id, Agent, _clock.GetUtcNow());
        Assert.Equal(HandoffChangeResult.Changed, change.Result);
        await Relay.AcceptedAsync(change.Handoff!);
        return change.Handoff!;
    }

    private async Task<List<Activity>> LogAsync(string id) =>
        [.. (await Store.ReadAsync(id, 0, 100)).Activities.Select(a => TranscriptJson.Deserialize(a.ActivityJson))];

    [Fact]
    public async Task With_no_agent_online_asking_for_a_person_offers_the_ticket_as_before()
    {
        await Store.SetPresenceAsync(Agent, AgentStatus.Away, _clock.GetUtcNow());

        await Flow()
            .Send("agent")
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .StartTestAsync();
        Assert.Null(await Store.FindOpenAsync("test", "live"));
    }

    [Fact]
    public async Task An_agent_not_heard_from_within_the_presence_timeout_counts_as_offline()
    {
        await OnlineAsync();
        _clock.Advance(TimeSpan.FromSeconds(61));

        await Flow()
            .Send("agent")
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .StartTestAsync();
    }

    [Fact]
    public async Task With_an_agent_online_the_bot_offers_live_chat_first_with_the_expected_wait()
    {
        // Yesterday's handoffs waited 2 and 4 minutes: a median of 3 for the first in line.
        foreach (var wait in new[] { 2, 4 })
        {
            var earlier = await Store.QueueAsync(new NewHandoff("test", $"earlier-{wait}", "u", null, "en", "{}", []), _clock.GetUtcNow().AddHours(-5));
            await Store.AcceptAsync(earlier.Id, Agent, _clock.GetUtcNow().AddHours(-5).AddMinutes(wait));
            await Store.EndAsync(earlier.Id, HandoffEndReason.Completed, Agent, _clock.GetUtcNow().AddHours(-4));
        }

        await OnlineAsync();

        await Flow()
            .Send("can I talk to a real person")
            .AssertReply(IsLiveOffer(BotTexts.English, BotTexts.Format(BotTexts.English.LiveChatWait, 3)))
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task After_answers_that_did_not_help_the_live_offer_says_sorry_first()
    {
        await OnlineAsync();

        await Flow()
            .Send("how do i change the app owner")
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send("no")
            .AssertReply(_ => { })
            .Send("keyhash mismatch android")
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send("no, it did not")
            .AssertReply(TextIs($"{BotTexts.English.LiveChatSorryNotHelped} {Offer(BotTexts.English, BotTexts.English.LiveChatWaitUnknown)}"))
            .StartTestAsync();
    }

    [Fact]
    public async Task Yes_queues_the_conversation_with_its_questions_tells_the_place_and_sends_the_handoff_event()
    {
        await OnlineAsync();
        await Store.QueueAsync(new NewHandoff("test", "someone-else", "u2", null, "en", "{}", []), _clock.GetUtcNow());

        await Queue(Flow()
            .Send("keyhash mismatch android")
            .AssertReply(_ => { })
            .AssertReply(_ => { }), place: 2)
            .AssertNoReply()
            .StartTestAsync();

        var handoff = await OpenAsync();
        Assert.Equal(HandoffStatus.Waiting, handoff.Status);
        Assert.Equal("user1", handoff.UserId);
        Assert.Equal("en", handoff.Language);
        Assert.Equal([new TicketQuestion("keyhash mismatch android", "answer", "android-keyhash-mismatch", null)], handoff.Questions);
        var reference = Newtonsoft.Json.JsonConvert.DeserializeObject<ConversationReference>(handoff.ConversationReference)!;
        Assert.Equal("live", reference.Conversation.Id);
        Assert.Equal("user1", reference.User.Id);
        Assert.Empty(await Store.ListAsync(HandoffStatus.Ended, 10));
    }

    [Fact]
    public async Task No_to_live_chat_offers_the_ticket_instead()
    {
        await OnlineAsync();

        await Flow()
            .Send("agent")
            .AssertReply(IsLiveOffer(BotTexts.English, BotTexts.English.LiveChatWaitUnknown))
            .Send("no")
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .StartTestAsync();
        Assert.Null(await Store.FindOpenAsync("test", "live"));
    }

    [Fact]
    public async Task Messages_while_waiting_go_to_the_agent_and_are_answered_with_the_place_not_classified()
    {
        await OnlineAsync();

        await Queue(Flow())
            .Send("keyhash mismatch android")
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.Format(BotTexts.English.LiveChatStillWaiting, 1), a.Text());
                Assert.Equal([BotTexts.English.CancelWait], a.Choices());
            })
            .AssertNoReply()
            .StartTestAsync();

        var log = await LogAsync((await OpenAsync()).Id);
        Assert.Equal(["keyhash mismatch android"], log.Select(a => a.Text));
        Assert.Equal(RoleTypes.User, log[0].From.Role);
    }

    [Fact]
    public async Task The_user_can_cancel_the_wait_and_is_offered_a_ticket()
    {
        await OnlineAsync();
        var handoffFlow = Queue(Flow());

        await handoffFlow
            .Send("cancel")
            .AssertReply(TextIs(BotTexts.English.LiveChatCancelled))
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .Send("yes")
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .StartTestAsync();

        var ended = Assert.Single(await Store.ListAsync(HandoffStatus.Ended, 10));
        Assert.Equal(HandoffEndReason.Cancelled, ended.EndReason);
    }

    [Fact]
    public async Task Outside_office_hours_the_user_gets_the_ticket_flow_even_with_an_agent_online()
    {
        Build(new LiveChatOptions { OfficeHours = "Mon-Fri 09:00-18:00 Asia/Seoul" }, redact: false);
        _clock.SetUtcNow(new DateTimeOffset(2025, 3, 8, 1, 0, 0, TimeSpan.Zero)); // Saturday 10:00 in Seoul
        await OnlineAsync();

        await Flow()
            .Send("agent")
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .StartTestAsync();

        _clock.SetUtcNow(new DateTimeOffset(2025, 3, 10, 1, 0, 0, TimeSpan.Zero)); // Monday 10:00 in Seoul
        await OnlineAsync();
        await Flow()
            .Send("agent")
            .AssertReply(IsLiveOffer(BotTexts.English, BotTexts.English.LiveChatWaitUnknown))
            .StartTestAsync();
    }

    [Fact]
    public async Task What_the_user_types_while_waiting_is_redacted_in_the_log_like_the_transcript()
    {
        Build(new LiveChatOptions(), redact: true);
        await OnlineAsync();

        await Queue(Flow())
            .Send("please reply to dev@example.com")
            .AssertReply(_ => { })
            .StartTestAsync();

        var log = await LogAsync((await OpenAsync()).Id);
        Assert.Equal(["please reply to [email]"], log.Select(a => a.Text));
    }

    [Fact]
    public async Task Conversations_without_a_live_handoff_never_ask_the_handoff_store()
    {
        await Flow()
            .Send("keyhash mismatch android")
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send("yes")
            .AssertReply(_ => { })
            .Send(new Activity { Type = ActivityTypes.Typing })
            .Send("cancel")
            .AssertReply(_ => { })
            .StartTestAsync();

        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task A_handoff_ended_where_no_turn_could_say_so_leaves_the_conversation_to_the_bot()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        await Store.EndAsync((await OpenAsync()).Id, HandoffEndReason.TimedOut, null, _clock.GetUtcNow());

        await Flow()
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_wait_that_times_out_tells_the_user_and_goes_on_as_a_ticket()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        var ended = await Store.EndAsync((await OpenAsync()).Id, HandoffEndReason.TimedOut, null, _clock.GetUtcNow());
        await Relay.TimedOutAsync(ended.Handoff!);

        await Flow()
            .AssertReply(TextIs(BotTexts.English.LiveChatNobodyFree))
            .AssertReply(TextIs(BotTexts.English.EmailQuestion))
            .AssertReply(IsStatus(HandoffStatusEvent.Failed))
            .Send(Email)
            .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
            .Send("skip")
            .AssertReply(TextIs(BotTexts.Format(BotTexts.English.TicketCreated, "SB-000001", Email)))
            .AssertReply(IsEvent(HandoffEventNames.InitiateHandoff))
            .StartTestAsync();
    }

    [Fact]
    public async Task In_korean_the_offer_the_queue_and_the_agents_arrival_are_in_korean()
    {
        await OnlineAsync();
        var ko = BotTexts.Korean;

        await Flow()
            .Send("상담원 연결")
            .AssertReply(IsLiveOffer(ko, ko.LiveChatWaitUnknown))
            .Send("네")
            .AssertReply(IsQueued(ko, 1))
            .AssertReply(IsEvent(HandoffEventNames.InitiateHandoff))
            .StartTestAsync();
        Assert.Equal("ko", (await OpenAsync()).Language);
        var handoff = await AcceptAsync();
        var ended = await Store.EndAsync(handoff.Id, HandoffEndReason.Completed, Agent, _clock.GetUtcNow());
        await Relay.EndedAsync(ended.Handoff!);

        await Flow()
            .AssertReply(TextIs(BotTexts.Format(ko.LiveChatAgentJoined, Agent)))
            .AssertReply(IsStatus(HandoffStatusEvent.Accepted))
            .AssertReply(TextIs(ko.LiveChatBackToBot))
            .AssertReply(TextIs(ko.SatisfactionQuestion))
            .StartTestAsync();
    }

    [Fact]
    public async Task Cancelling_the_wait_in_korean_works_with_the_korean_word()
    {
        await OnlineAsync();

        await Flow()
            .Send("상담원 연결")
            .AssertReply(_ => { })
            .Send("네")
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send("취소")
            .AssertReply(TextIs(BotTexts.Korean.LiveChatCancelled))
            .AssertReply(TextIs(BotTexts.Korean.HandoffOffer))
            .StartTestAsync();
    }

    [Fact]
    public async Task While_an_agent_has_the_conversation_the_bot_is_silent_and_passes_everything_on()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        var handoff = await AcceptAsync();

        await Flow()
            .AssertReply(TextIs(BotTexts.Format(BotTexts.English.LiveChatAgentJoined, Agent)))
            .AssertReply(IsStatus(HandoffStatusEvent.Accepted))
            .Send("keyhash mismatch android")
            .Send("help")
            .Send("cancel")
            .Send(new Activity { Type = ActivityTypes.Typing })
            .Send("asdkjh qwe")
            .AssertNoReply()
            .StartTestAsync();

        var log = await LogAsync(handoff.Id);
        Assert.Equal(
            [ActivityTypes.Message, ActivityTypes.Message, ActivityTypes.Message, ActivityTypes.Typing, ActivityTypes.Message],
            log.Select(a => a.Type));
        Assert.Equal(["keyhash mismatch android", "help", "cancel", null, "asdkjh qwe"], log.Select(a => a.Text));
        Assert.Equal(HandoffStatus.Active, (await Store.FindAsync(handoff.Id))!.Status);
    }

    [Fact]
    public async Task A_handoff_that_ended_before_the_accept_reached_the_user_says_nothing_of_it()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        var accepted = await Store.AcceptAsync((await OpenAsync()).Id, Agent, _clock.GetUtcNow());
        await Store.EndAsync(accepted.Handoff!.Id, HandoffEndReason.Cancelled, null, _clock.GetUtcNow());

        await Relay.AcceptedAsync(accepted.Handoff);

        await Flow()
            .AssertNoReply()
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .StartTestAsync();
    }

    [Fact]
    public async Task The_agents_messages_reach_the_user_under_the_agents_name_and_go_to_the_log()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        var handoff = await AcceptAsync();

        await Relay.SendFromAgentAsync(handoff, new Activity { Type = ActivityTypes.Typing });
        await Relay.SendFromAgentAsync(handoff, (Activity)MessageFactory.Text("Hello, I'm looking at your key hash."));

        await Flow()
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .AssertReply(a =>
            {
                Assert.Equal(ActivityTypes.Typing, a.Type);
                Assert.Equal(Agent, a.From.Name);
            })
            .AssertReply(a =>
            {
                Assert.Equal("Hello, I'm looking at your key hash.", a.Text());
                Assert.Equal(Agent, a.From.Name);
                Assert.Equal("bot", a.From.Id);
                Assert.Equal(Agent, (string?)((JObject)((Activity)a).ChannelData)[HandoffRelay.AgentKey]);
            })
            .AssertNoReply()
            .StartTestAsync();

        var log = await LogAsync(handoff.Id);
        var sent = Assert.Single(log);
        Assert.Equal("Hello, I'm looking at your key hash.", sent.Text);
        Assert.Equal(Agent, sent.From.Name);

        // The transcript has it as the agent's, and the bot's own messages keep the bot's name.
        var transcript = (await _transcripts.GetTranscriptActivitiesAsync("test", "live")).Items.OfType<Activity>().ToList();
        var recorded = Assert.Single(transcript, a => a.Text == "Hello, I'm looking at your key hash.");
        Assert.Equal(Agent, (string?)((JObject)recorded.ChannelData)[HandoffRelay.AgentKey]);
        Assert.Equal(Agent, recorded.From.Name);
        Assert.DoesNotContain(transcript, a => a.Type == ActivityTypes.Message && a.From.Name == Agent && a.ChannelData is null);
    }

    [Fact]
    public async Task A_typing_indicator_in_a_new_conversation_is_ignored()
    {
        await Flow()
            .Send(new Activity { Type = ActivityTypes.Typing })
            .AssertNoReply()
            .StartTestAsync();

        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task When_the_agent_ends_the_bot_takes_over_and_asks_for_a_score_which_is_stored()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        var handoff = await AcceptAsync();
        var ended = await Store.EndAsync(handoff.Id, HandoffEndReason.Completed, Agent, _clock.GetUtcNow());
        await Relay.EndedAsync(ended.Handoff!);

        await Flow()
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .AssertReply(TextIs(BotTexts.English.LiveChatBackToBot))
            .AssertReply(a =>
            {
                Assert.Equal(BotTexts.English.SatisfactionQuestion, a.Text());
                Assert.Equal(["1", "2", "3", "4", "5"], a.Choices());
            })
            .AssertReply(IsStatus(HandoffStatusEvent.Completed))
            .Send("4")
            .AssertReply(TextIs(BotTexts.English.SatisfactionThanks))
            .StartTestAsync();

        Assert.Equal(4, (await Store.FindAsync(handoff.Id))!.Satisfaction);
    }

    [Fact]
    public async Task Anything_but_a_score_after_the_handoff_is_a_new_question()
    {
        await OnlineAsync();
        await Queue(Flow()).StartTestAsync();
        var handoff = await AcceptAsync();
        await Relay.EndedAsync((await Store.EndAsync(handoff.Id, HandoffEndReason.Transferred, Agent, _clock.GetUtcNow())).Handoff!);

        await Flow()
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .AssertReply(_ => { })
            .Send("keyhash mismatch android")
            .AssertReply(TextIs(AnswerOf("android-keyhash-mismatch")))
            .StartTestAsync();

        Assert.Null((await Store.FindAsync(handoff.Id))!.Satisfaction);
    }
}

/// <summary>A handoff store that counts the calls made to it.</summary>
public class CountingHandoffStore : DispatchProxy
{
    private IHandoffStore _inner = null!;

    public int Calls { get; private set; }

    public IHandoffStore Store => (IHandoffStore)(object)this;

    public static CountingHandoffStore Over(IHandoffStore inner)
    {
        var proxy = Create<IHandoffStore, CountingHandoffStore>();
        var counting = (CountingHandoffStore)(object)proxy;
        counting._inner = inner;
        return counting;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        Calls++;
        return targetMethod!.Invoke(_inner, args);
    }
}
