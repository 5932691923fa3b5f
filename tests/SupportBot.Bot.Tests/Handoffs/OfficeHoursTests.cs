using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests.Handoffs;

/// <summary>HelpDesk:OfficeHours: the format, when it is open, and the start-up check of a bad value.</summary>
public sealed class OfficeHoursTests
{
    // Monday 2025-03-03.
    private static DateTimeOffset Seoul(int day, int hour, int minute = 0) => new(2025, 3, day, hour, minute, 0, TimeSpan.FromHours(9));

    [Theory]
    [InlineData(3, 9, 0, true)]     // Monday at opening
    [InlineData(3, 8, 59, false)]
    [InlineData(7, 17, 59, true)]   // Friday just before closing
    [InlineData(7, 18, 0, false)]   // the end is exclusive
    [InlineData(8, 12, 0, false)]   // Saturday
    [InlineData(9, 12, 0, false)]   // Sunday
    public void Weekday_hours_are_open_on_weekdays_between_start_and_end_in_the_time_zone(int day, int hour, int minute, bool open)
    {
        var hours = OfficeHours.Parse("Mon-Fri 09:00-18:00 Asia/Seoul");

        Assert.Equal(open, hours.IsOpen(Seoul(day, hour, minute)));
    }

    [Fact]
    public void The_time_zone_is_the_settings_not_the_clocks()
    {
        var hours = OfficeHours.Parse("Mon-Fri 09:00-18:00 Asia/Seoul");

        // 01:00 UTC on Monday is 10:00 in Seoul.
        Assert.True(hours.IsOpen(new DateTimeOffset(2025, 3, 3, 1, 0, 0, TimeSpan.Zero)));
        Assert.False(hours.IsOpen(new DateTimeOffset(2025, 3, 3, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Several_windows_day_lists_and_hours_past_midnight_are_understood()
    {
        var hours = OfficeHours.Parse("Mon,Wed 09:00-12:00; Fri 22:00-02:00; Sun 00:00-24:00 Asia/Seoul");

        Assert.True(hours.IsOpen(Seoul(5, 11)));     // Wednesday
        Assert.False(hours.IsOpen(Seoul(4, 11)));    // Tuesday
        Assert.True(hours.IsOpen(Seoul(7, 23)));     // Friday night
        Assert.True(hours.IsOpen(Seoul(8, 1, 30)));  // into Saturday
        Assert.False(hours.IsOpen(Seoul(8, 2)));
        Assert.True(hours.IsOpen(Seoul(9, 23, 59))); // all of Sunday
        Assert.True(OfficeHours.Parse("Daily 00:00-24:00 UTC").IsOpen(Seoul(4, 3)));
    }

    [Theory]
    [InlineData("Mon-Fri 09:00-18:00", "time zone")]
    [InlineData("Mon-Fri 9-18 Asia/Seoul", "09:00")]
    [InlineData("Monday 09:00-18:00 Asia/Seoul", "not a day")]
    [InlineData("Mon-Fri 09:00-18:00 Mars/Olympus", "time zone")]
    [InlineData("Mon-Fri 09:00-09:00 Asia/Seoul", "empty")]
    [InlineData("09:00-18:00 Asia/Seoul", "days and hours")]
    public void A_bad_value_fails_the_start_saying_what_and_how_to_write_it(string value, string says)
    {
        var result = new LiveChatOptionsValidator().Validate(null, new LiveChatOptions { OfficeHours = value });

        Assert.True(result.Failed);
        Assert.Contains("HelpDesk:OfficeHours", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(says, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(OfficeHours.Example, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void No_office_hours_is_valid()
    {
        Assert.True(new LiveChatOptionsValidator().Validate(null, new LiveChatOptions()).Succeeded);
        Assert.True(new LiveChatOptionsValidator().Validate(null, new LiveChatOptions { OfficeHours = OfficeHours.Example }).Succeeded);
    }

    [Fact]
    public async Task Live_chat_is_available_with_an_agent_online_and_recently_heard_from_within_office_hours()
    {
        var clock = new FakeTimeProvider(Seoul(3, 10));
        var store = new MemoryHandoffStore();
        var options = Options.Create(new LiveChatOptions { OfficeHours = "Mon-Fri 09:00-18:00 Asia/Seoul", PresenceTimeout = TimeSpan.FromSeconds(60) });
        var availability = new LiveChatAvailability(store, options, clock);

        Assert.Equal(0, await availability.OnlineAgentsAsync(default));
        await store.SetPresenceAsync("Mina", AgentStatus.Online, clock.GetUtcNow());
        await store.SetPresenceAsync("Joon", AgentStatus.Away, clock.GetUtcNow());
        Assert.Equal(1, await availability.OnlineAgentsAsync(default));

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(0, await availability.OnlineAgentsAsync(default));

        await store.TouchPresenceAsync("Mina", clock.GetUtcNow());
        Assert.Equal(1, await availability.OnlineAgentsAsync(default));

        clock.Advance(TimeSpan.FromHours(8));
        await store.TouchPresenceAsync("Mina", clock.GetUtcNow());
        Assert.Equal(0, await availability.OnlineAgentsAsync(default));
    }
}
