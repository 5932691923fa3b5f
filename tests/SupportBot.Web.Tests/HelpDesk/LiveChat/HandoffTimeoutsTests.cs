using Microsoft.Bot.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.HelpDesk.LiveChat;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.HelpDesk.LiveChat;

/// <summary>HelpDesk:MaxWait: waits nobody accepted end as timed out, and the user is told once, whichever replicas sweep.</summary>
public sealed class HandoffTimeoutsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 3, 1, 0, 0, TimeSpan.Zero));
    private readonly MemoryHandoffStore _store = new();
    private readonly RecordingRelay _relay = new();

    private HandoffTimeouts Replica() => new(
        _store, _relay, Options.Create(new LiveChatOptions { MaxWait = TimeSpan.FromMinutes(3) }), _clock, NullLogger<HandoffTimeouts>.Instance);

    private Task<Handoff> QueueAsync(string conversation) =>
        _store.QueueAsync(new NewHandoff("test", conversation, "u", null, "en", "{}", []), _clock.GetUtcNow());

    [Fact]
    public async Task A_wait_longer_than_max_wait_ends_timed_out_and_the_user_is_offered_a_ticket()
    {
        var old = await QueueAsync("old");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var recent = await QueueAsync("recent");
        var accepted = await QueueAsync("accepted");
        await _store.AcceptAsync(accepted.Id, "Mina", _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(1.5));

        Assert.Equal(1, await Replica().SweepAsync(default));

        var ended = (await _store.FindAsync(old.Id))!;
        Assert.Equal(HandoffStatus.Ended, ended.Status);
        Assert.Equal(HandoffEndReason.TimedOut, ended.EndReason);
        Assert.Equal([old.Id], _relay.TimedOut);
        Assert.Equal(HandoffStatus.Waiting, (await _store.FindAsync(recent.Id))!.Status);
        Assert.Equal(HandoffStatus.Active, (await _store.FindAsync(accepted.Id))!.Status);
    }

    [Fact]
    public async Task Several_replicas_sweeping_at_once_tell_each_user_once()
    {
        for (var i = 0; i < 20; i++)
        {
            await QueueAsync($"c{i}");
        }

        _clock.Advance(TimeSpan.FromMinutes(4));

        var swept = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Replica().SweepAsync(default))));

        Assert.Equal(20, swept.Sum());
        Assert.Equal(20, _relay.TimedOut.Distinct().Count());
        Assert.Equal(20, _relay.TimedOut.Count);
    }

    [Fact]
    public async Task The_service_sweeps_every_few_seconds_on_its_clock()
    {
        await QueueAsync("late");
        using var service = Replica();
        await service.StartAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(3) + HandoffTimeouts.Interval);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_relay.TimedOut.Count == 0 && DateTime.UtcNow < deadline)
        {
            _clock.Advance(HandoffTimeouts.Interval);
            await Task.Delay(20);
        }

        await service.StopAsync(default);
        Assert.Single(_relay.TimedOut);
    }

    [Theory]
    [InlineData("HelpDesk:OfficeHours", "weekdays", "HelpDesk:OfficeHours")]
    [InlineData("HelpDesk:MaxWait", "00:00:01", "HelpDesk:MaxWait")]
    [InlineData("HelpDesk:PresenceTimeout", "02:00:00", "HelpDesk:PresenceTimeout")]
    public void A_bad_live_chat_setting_is_refused_naming_the_key(string key, string value, string named)
    {
        // The same validation the host runs at start (ValidateOnStart), without starting a host.
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build())
            .AddLiveChat()
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LiveChatOptions>>().Value);

        Assert.StartsWith(named, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void The_relay_claims_the_bots_app_id_from_configuration()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new("MicrosoftAppId", "app-1")]).Build())
            .AddLiveChat()
            .BuildServiceProvider();

        Assert.Equal("app-1", services.GetRequiredService<IOptions<HandoffRelayOptions>>().Value.AppId);
        Assert.Equal(OfficeHoursDefault, services.GetRequiredService<IOptions<LiveChatOptions>>().Value.OfficeHours);
    }

    private const string OfficeHoursDefault = "";

    private sealed class RecordingRelay : IHandoffRelay
    {
        private readonly List<string> _timedOut = [];

        public IReadOnlyList<string> TimedOut
        {
            get
            {
                lock (_timedOut)
                {
                    return [.. _timedOut];
                }
            }
        }

        public Task AcceptedAsync(Handoff handoff, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFromAgentAsync(Handoff handoff, Activity activity, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task EndedAsync(Handoff handoff, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task TimedOutAsync(Handoff handoff, CancellationToken cancellationToken = default)
        {
            lock (_timedOut)
            {
                _timedOut.Add(handoff.Id);
            }

            return Task.CompletedTask;
        }
    }
}
