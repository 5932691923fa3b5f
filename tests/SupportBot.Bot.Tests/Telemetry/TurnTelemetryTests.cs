using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Telemetry;

namespace SupportBot.Bot.Tests.Telemetry;

/// <summary>The turn metrics say what the bot did with each message, and every log line of a turn carries its conversation id.</summary>
[Collection(BotCollection.Name)]
public sealed class TurnTelemetryTests(BotFixture fixture) : IDisposable
{
    private readonly ServiceProvider _services = fixture.CreateServices(extra: services => services.AddFakeLogging());

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("keyhash mismatch android", TurnOutcome.Answered)]
    [InlineData("login problem", TurnOutcome.Clarified)]
    [InlineData("the kakao account login page shows up instead of kakaotalk", TurnOutcome.Clarified)]
    [InlineData("how do i center a div with flexbox", TurnOutcome.Fallback)]
    [InlineData("talk to a human", TurnOutcome.Handoff)]
    [InlineData("hello", TurnOutcome.SmallTalk)]
    [InlineData("help", TurnOutcome.Other)]
    public async Task A_message_is_counted_under_what_the_bot_did_with_it(string message, string outcome)
    {
        using var turns = Collector<long>("supportbot.turns");
        using var durations = Collector<double>("supportbot.turn.duration");

        await Flow().Send(message).StartTestAsync();

        var turn = Assert.Single(turns.GetMeasurementSnapshot());
        Assert.Equal(1, turn.Value);
        Assert.Equal(outcome, turn.Tags["outcome"]);
        Assert.Equal("test", turn.Tags["channel"]);
        Assert.Equal(outcome, Assert.Single(durations.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task The_second_question_in_a_row_it_cannot_answer_counts_as_a_handoff_since_it_offers_a_person()
    {
        using var turns = Collector<long>("supportbot.turns");

        await Flow()
            .Send("how do i center a div with flexbox")
            .Send("what's the weather like in seoul tomorrow")
            .StartTestAsync();

        Assert.Equal([TurnOutcome.Fallback, TurnOutcome.Handoff], turns.GetMeasurementSnapshot().Select(m => m.Tags["outcome"]));
    }

    [Fact]
    public async Task Picking_a_did_you_mean_candidate_counts_as_answered()
    {
        using var turns = Collector<long>("supportbot.turns");
        string? candidate = null;

        await Flow()
            .Send("login problem")
            .AssertReply(a => candidate = a.AsMessageActivity().SuggestedActions.Actions[0].Value.ToString())
            .StartTestAsync();
        await Flow().Send(candidate!).StartTestAsync();

        Assert.Equal([TurnOutcome.Clarified, TurnOutcome.Answered], turns.GetMeasurementSnapshot().Select(m => m.Tags["outcome"]));
    }

    [Fact]
    public void A_ranking_is_timed_into_the_ranking_histogram()
    {
        using var rankings = Collector<double>("supportbot.ranking.duration");
        var telemetry = _services.GetRequiredService<BotTelemetry>();
        var classifier = new MeasuredIntentClassifier(fixture.Classifier, telemetry, TimeProvider.System);

        var ranking = classifier.Rank("keyhash mismatch android");

        Assert.Equal("android-keyhash-mismatch", ranking.Top.Intent);
        var measured = Assert.Single(rankings.GetMeasurementSnapshot());
        Assert.True(measured.Value >= 0);
    }

    [Fact]
    public async Task A_turn_that_fails_counts_as_an_error_and_the_error_reaches_the_adapter()
    {
        using var turns = Collector<long>("supportbot.turns");
        var adapter = Adapter();
        Exception? reported = null;
        adapter.OnTurnError = (_, ex) =>
        {
            reported = ex;
            return Task.CompletedTask;
        };

        await new TestFlow(adapter, (_, _) => throw new InvalidOperationException("broken dialog")).Send("hi").StartTestAsync();

        Assert.IsType<InvalidOperationException>(reported);
        Assert.Equal(TurnOutcome.Error, Assert.Single(turns.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task Every_log_line_of_a_turn_carries_the_conversation_id()
    {
        await Flow("conversation-with-logs").Send("keyhash mismatch android").StartTestAsync();

        var decision = Assert.Single(_services.GetFakeLogCollector().GetSnapshot(), r => r.Category == typeof(QuestionRouter).FullName);
        var scope = Assert.Single(decision.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>());
        Assert.Contains(new KeyValuePair<string, object?>("ConversationId", "conversation-with-logs"), scope);
    }

    private MetricCollector<T> Collector<T>(string instrument)
        where T : struct =>
        new(_services.GetRequiredService<BotTelemetry>().Meter, instrument);

    private TestAdapter Adapter(string conversation = "conversation-1") =>
        BotFixture.CreateAdapter(conversation).Use(_services.GetRequiredService<TurnTelemetryMiddleware>());

    private TestFlow Flow(string conversation = "conversation-1") => new(Adapter(conversation), _services.GetRequiredService<IBot>());
}
