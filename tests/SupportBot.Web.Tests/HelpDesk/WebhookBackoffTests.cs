using SupportBot.Web.HelpDesk.Webhooks;

namespace SupportBot.Web.Tests.HelpDesk;

public sealed class WebhookBackoffTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(15);

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(7, 640)]
    [InlineData(8, 900)]
    [InlineData(100, 900)]
    public void The_delay_doubles_after_each_failure_up_to_the_cap(int failedAttempts, int fullSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(fullSeconds), WebhookBackoff.Delay(failedAttempts, First, Max, jitter: 1));
        Assert.Equal(TimeSpan.FromSeconds(fullSeconds / 2.0), WebhookBackoff.Delay(failedAttempts, First, Max, jitter: 0));
    }

    [Fact]
    public void Jitter_spreads_the_delay_between_half_and_all_of_it()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 200).Select(_ => WebhookBackoff.Delay(3, First, Max, random.NextDouble())).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40)));
        Assert.True(delays.Distinct().Count() > 100, "jittered delays differ");
    }
}
