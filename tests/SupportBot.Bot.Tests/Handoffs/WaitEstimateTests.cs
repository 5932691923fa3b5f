using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;

namespace SupportBot.Bot.Tests.Handoffs;

/// <summary>The expected wait: the recent median wait, once per round of the online agents the queue ahead takes.</summary>
public sealed class WaitEstimateTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static Handoff Accepted(double waitMinutes) => new(
        Guid.NewGuid().ToString("N"), HandoffStatus.Ended, "test", "c", null, null, "en", "{}", Start, Array.Empty<TicketQuestion>(),
        Agent: "Mina", AcceptedAt: Start.AddMinutes(waitMinutes), EndedAt: Start.AddMinutes(waitMinutes + 5), EndReason: HandoffEndReason.Completed);

    [Fact]
    public void The_first_in_line_waits_the_median_of_recent_waits()
    {
        Assert.Equal(3, WaitEstimate.Minutes(1, 1, [Accepted(1), Accepted(3), Accepted(10)]));
    }

    [Fact]
    public void Each_round_of_the_agents_online_adds_a_median()
    {
        var recent = new[] { Accepted(2), Accepted(2) };

        Assert.Equal(2, WaitEstimate.Minutes(2, 2, recent));
        Assert.Equal(4, WaitEstimate.Minutes(3, 2, recent));
        Assert.Equal(6, WaitEstimate.Minutes(3, 1, recent));
    }

    [Fact]
    public void A_short_wait_is_at_least_a_minute_and_without_history_there_is_no_estimate()
    {
        Assert.Equal(1, WaitEstimate.Minutes(1, 1, [Accepted(0.2)]));
        Assert.Null(WaitEstimate.Minutes(1, 1, []));
        Assert.Null(WaitEstimate.Minutes(1, 1, [Accepted(1) with { AcceptedAt = null }]));
    }
}
