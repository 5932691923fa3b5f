using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Tickets;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests.Dialogs;

/// <summary>At most three handoff tickets per user per hour: the fourth is refused with when another can be opened.</summary>
[Collection(BotCollection.Name)]
public sealed class HandoffLimitTests : IDisposable
{
    private const string Email = "dev@example.com";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly MemoryTicketStore _tickets;
    private readonly ServiceProvider _services;

    public HandoffLimitTests(BotFixture fixture)
    {
        _tickets = new MemoryTicketStore(_clock);
        _services = fixture.CreateServices(_storage, _tickets, extra: services => services.AddSingleton<TimeProvider>(_clock));
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_fourth_ticket_within_the_hour_is_refused_saying_the_team_has_them_and_when_another_can_be_opened()
    {
        var flow = Flow();
        for (var i = 0; i < 3; i++)
        {
            flow = flow
                .Send(BotTexts.English.TalkToPerson)
                .AssertReply(TextIs(BotTexts.English.HandoffOffer))
                .Send("yes")
                .AssertReply(TextIs(i == 0 ? BotTexts.English.EmailQuestion : BotTexts.Format(BotTexts.English.EmailQuestionKnown, Email)))
                .Send(i == 0 ? Email : "skip")
                .AssertReply(TextIs(BotTexts.English.SummaryQuestion))
                .Send("skip")
                .AssertReply(TextIs(BotTexts.Format(BotTexts.English.TicketCreated, $"SB-00000{i + 1}", Email)))
                .AssertReply(a => Assert.Equal(HandoffEventNames.InitiateHandoff, ((IEventActivity)a).Name));
        }

        await flow
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(TextIs(BotTexts.Format(BotTexts.English.TicketLimitReached, 3, 60)))
            .AssertNoReply()
            .StartTestAsync();
        Assert.Equal(3, (await _tickets.ListAsync(new TicketQuery())).Total);

        // The hour runs from the oldest of the three: half a minute before it ends, one more minute to wait.
        _clock.Advance(TimeSpan.FromMinutes(59.5));
        await Flow()
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(TextIs(BotTexts.Format(BotTexts.English.TicketLimitReached, 3, 1)))
            .StartTestAsync();

        _clock.Advance(TimeSpan.FromMinutes(1));
        await Flow()
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .StartTestAsync();
    }

    [Fact]
    public async Task The_limit_is_said_in_korean_to_a_korean_conversation_and_counts_the_users_tickets_from_other_conversations()
    {
        var adapter = Adapter("korean", "ko-KR");
        var user = adapter.Conversation.User.Id;
        for (var i = 0; i < 3; i++)
        {
            await _tickets.CreateAsync(new NewTicket(
                Email, null, HandoffReason.Requested, new TicketRequester(adapter.Conversation.ChannelId, $"earlier-{i}", user, null), [], []));
            _clock.Advance(TimeSpan.FromMinutes(10));
        }

        await new TestFlow(adapter, _services.GetRequiredService<IBot>())
            .Send(BotTexts.Korean.TalkToPerson)
            .AssertReply(TextIs(BotTexts.Format(BotTexts.Korean.TicketLimitReached, 3, 30)))
            .AssertNoReply()
            .StartTestAsync();
        Assert.Equal(3, (await _tickets.ListAsync(new TicketQuery())).Total);
    }

    [Fact]
    public async Task Another_users_tickets_do_not_count()
    {
        var adapter = Adapter("someone", locale: null);
        for (var i = 0; i < 3; i++)
        {
            await _tickets.CreateAsync(new NewTicket(
                Email, null, HandoffReason.Requested, new TicketRequester(adapter.Conversation.ChannelId, $"other-{i}", "another-user", null), [], []));
        }

        await new TestFlow(adapter, _services.GetRequiredService<IBot>())
            .Send(BotTexts.English.TalkToPerson)
            .AssertReply(TextIs(BotTexts.English.HandoffOffer))
            .StartTestAsync();
    }

    private static TestAdapter Adapter(string conversation, string? locale)
    {
        var adapter = new TestAdapter(TestAdapter.CreateConversation(conversation));
        if (locale is not null)
        {
            adapter.Locale = locale;
        }

        return adapter;
    }

    private TestFlow Flow() => new(Adapter("limited", locale: null), _services.GetRequiredService<IBot>());
}
