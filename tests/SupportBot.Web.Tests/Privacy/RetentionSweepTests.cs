using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportBot.Bot.Insights;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Privacy;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Privacy;

/// <summary>The retention sweep of a running host: with a short <c>Privacy:SweepInterval</c>, expired rows go and recent ones stay, and the counter says so.</summary>
public sealed class RetentionSweepTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_sweep_deletes_expired_questions_Direct_Line_history_and_transcripts_and_keeps_recent_ones()
    {
        var clock = new FakeTimeProvider(Now);
        var deleted = new ConcurrentDictionary<string, long>();
        using var listener = CountDeletions(deleted);
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>
            {
                ["Privacy:SweepInterval"] = "00:00:01",
                ["Privacy:Retention:Questions"] = "1.00:00:00",
                ["Privacy:Retention:DirectLine"] = "1.00:00:00",
                ["Privacy:Retention:Transcripts"] = "1.00:00:00",
            },
            services: services => services.AddSingleton<TimeProvider>(clock));
        using var client = host.CreateClient();
        var questions = host.Services.GetRequiredService<IQuestionInsights>();
        var directLine = host.Services.GetRequiredService<IDirectLineStore>();
        var transcripts = host.Services.GetRequiredService<ITranscriptStore>();

        await questions.SaveAsync([Question("old", Now.AddDays(-2)), Question("recent", Now.AddHours(-1))]);
        await directLine.TryStartAsync(new DirectLineConversation("dl-old", "user-1", Now.AddDays(-2)), CancellationToken.None);
        await directLine.TryStartAsync(new DirectLineConversation("dl-recent", "user-1", Now.AddHours(-1)), CancellationToken.None);
        await transcripts.LogActivityAsync(Message("old", Now.AddDays(-2)));
        await transcripts.LogActivityAsync(Message("recent", Now.AddHours(-1)));
        // Both are written behind the turn: a read waits for what was queued, so the sweep finds them.
        Assert.Equal(2, (await questions.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10)).Count);
        Assert.Equal(2, (await transcripts.GetTranscriptActivitiesAsync("test", "retention-1")).Items.Length);

        await Eventually.UntilAsync(
            async () => (await questions.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10)).Count == 1
                && await directLine.FindAsync("dl-old", CancellationToken.None) is null
                && (await transcripts.GetTranscriptActivitiesAsync("test", "retention-1")).Items.Length == 1,
            "a sweep",
            meanwhile: () => clock.Advance(TimeSpan.FromSeconds(1)));

        Assert.Equal("recent", Assert.Single(await questions.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10)).Id);
        Assert.NotNull(await directLine.FindAsync("dl-recent", CancellationToken.None));
        Assert.Equal("recent", Assert.Single((await transcripts.GetTranscriptActivitiesAsync("test", "retention-1")).Items).AsMessageActivity().Text);
        Assert.Equal(1, deleted.GetValueOrDefault("questions"));
        Assert.Equal(1, deleted.GetValueOrDefault("directline"));
        Assert.Equal(1, deleted.GetValueOrDefault("transcripts"));
    }

    [Theory]
    [InlineData("Privacy:Retention:Tickets", "0.00:00:00")]
    [InlineData("Privacy:Retention:Outbox", "-1.00:00:00")]
    [InlineData("Privacy:Retention:Questions", "4000.00:00:00")]
    [InlineData("Privacy:SweepInterval", "2.00:00:00")]
    public void A_retention_out_of_range_is_refused_naming_the_key(string key, string value)
    {
        // The same validation the host runs at start (ValidateOnStart), without starting a host.
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build())
            .AddRetention()
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetentionOptions>>().Value);

        Assert.StartsWith($"{key}: must be a positive duration", Assert.Single(error.Failures));
    }

    [Fact]
    public void The_defaults_are_accepted()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddRetention()
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<RetentionOptions>>().Value;

        Assert.Equal(TimeSpan.FromDays(730), options.For(RetentionKind.Tickets));
        Assert.Equal(TimeSpan.FromHours(1), options.SweepInterval);
    }

    private static AskedQuestion Question(string id, DateTimeOffset askedAt) =>
        new(id, "retention-1", askedAt, $"question {id}", "en-US", QuestionOutcomes.Answer, "android-keyhash-mismatch", 0.8, "android-keyhash-mismatch");

    private static Activity Message(string text, DateTimeOffset timestamp) => new(ActivityTypes.Message)
    {
        Id = text,
        Text = text,
        ChannelId = "test",
        Timestamp = timestamp,
        Conversation = new ConversationAccount { Id = "retention-1" },
        From = new ChannelAccount("user-1"),
        Recipient = new ChannelAccount("bot"),
    };

    private static MeterListener CountDeletions(ConcurrentDictionary<string, long> deleted)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == RetentionMetrics.DeletedName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kind" && tag.Value is string kind)
                {
                    deleted.AddOrUpdate(kind, value, (_, total) => total + value);
                }
            }
        });
        listener.Start();
        return listener;
    }
}
