using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Web.Http;

namespace SupportBot.Web.Tests.Http;

/// <summary>Refusals are logged once per limit, address and minute, the next line saying how many went unlogged.</summary>
public sealed class RefusalLogTests
{
    [Fact]
    public void The_line_after_a_minute_counts_the_refusals_in_between_and_each_address_and_limit_has_its_own()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var refusals = new RefusalLog(factory.CreateLogger<RefusalLog>(), time);

        for (var i = 0; i < 5; i++)
        {
            refusals.Refused(From("10.0.0.1"), "bot-messages");
        }

        refusals.Refused(From("10.0.0.2"), "bot-messages");
        refusals.Refused(From("10.0.0.1"), "help-desk-api");
        time.Advance(RefusalLog.Interval);
        refusals.Refused(From("10.0.0.1"), "bot-messages");

        var lines = logs.Of(typeof(RefusalLog).FullName!)
            .Select(r => ((string?)r.Fields["RemoteAddress"], (string?)r.Fields["RateLimitPolicy"], (int?)r.Fields["Unlogged"]))
            .ToList();
        Assert.Equal(
            [("10.0.0.1", "bot-messages", 0), ("10.0.0.2", "bot-messages", 0), ("10.0.0.1", "help-desk-api", 0), ("10.0.0.1", "bot-messages", 4)],
            lines);
    }

    [Fact]
    public void Past_the_most_addresses_it_counts_the_counting_starts_over_so_an_address_seen_before_gets_a_line_again()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var refusals = new RefusalLog(factory.CreateLogger<RefusalLog>(), new FakeTimeProvider());

        refusals.Refused(From("10.0.0.1"), "bot-messages");
        refusals.Refused(From("10.0.0.1"), "bot-messages");
        for (var i = 0; i < RefusalLog.MaxAddresses; i++)
        {
            refusals.Refused(From($"10.1.{i / 256}.{i % 256}"), "bot-messages");
        }

        refusals.Refused(From("10.0.0.1"), "bot-messages");

        var first = logs.Of(typeof(RefusalLog).FullName!).Where(r => (string?)r.Fields["RemoteAddress"] == "10.0.0.1").ToList();
        Assert.Equal(2, first.Count);
    }

    private static DefaultHttpContext From(string address)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/api/messages";
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address);
        return context;
    }
}
