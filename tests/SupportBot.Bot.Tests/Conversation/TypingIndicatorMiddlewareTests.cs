using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Conversation;

namespace SupportBot.Bot.Tests.Conversation;

public sealed class TypingIndicatorMiddlewareTests
{
    // Long enough for any loaded machine; a turn waits this long only when typing never shows.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_slow_turn_shows_typing_before_its_reply()
    {
        var adapter = new TypingWatchingAdapter();
        adapter.Use(new TypingIndicatorMiddleware(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5)));

        await new TestFlow(adapter, async (turn, ct) =>
            {
                await adapter.FirstTyping.WaitAsync(Patience, ct);
                await turn.SendActivityAsync("done", cancellationToken: ct);
            })
            .Send("slow question")
            .AssertReply(a => Assert.Equal(ActivityTypes.Typing, a.Type))
            .AssertReply("done")
            .StartTestAsync();
    }

    [Fact]
    public async Task A_fast_turn_shows_no_typing()
    {
        var adapter = new TestAdapter(TestAdapter.CreateConversation("typing")).Use(new TypingIndicatorMiddleware(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));

        await new TestFlow(adapter, (turn, ct) => turn.SendActivityAsync("done", cancellationToken: ct))
            .Send("quick question")
            .AssertReply("done")
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task Typing_stops_at_the_answer_even_when_the_turn_goes_on_working()
    {
        var adapter = new TypingWatchingAdapter();
        adapter.Use(new TypingIndicatorMiddleware(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)));

        await adapter.SendTextToBotAsync(
            "slow question",
            async (turn, ct) =>
            {
                await adapter.FirstTyping.WaitAsync(Patience, ct);
                await turn.SendActivityAsync("done", cancellationToken: ct);

                // Saving state, logging...: the turn goes on, but the answer is out. Typing
                // would repeat many times over at a 10 ms period if it did not stop.
                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            },
            CancellationToken.None);

        var replies = new List<IActivity>();
        while (adapter.GetNextReply() is { } reply)
        {
            replies.Add(reply);
        }

        Assert.Equal(ActivityTypes.Typing, replies[0].Type);
        Assert.Equal("done", replies[^1].AsMessageActivity()?.Text);
        Assert.Single(replies, r => r.Type == ActivityTypes.Message);
    }

    /// <summary>A test adapter that tells when the first typing indicator has gone out.</summary>
    private sealed class TypingWatchingAdapter() : TestAdapter(CreateConversation("typing"))
    {
        private readonly TaskCompletionSource typingShown = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstTyping => typingShown.Task;

        public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
        {
            var sent = await base.SendActivitiesAsync(turnContext, activities, cancellationToken);
            if (Array.Exists(activities, a => a.Type == ActivityTypes.Typing))
            {
                typingShown.TrySetResult();
            }

            return sent;
        }
    }
}
