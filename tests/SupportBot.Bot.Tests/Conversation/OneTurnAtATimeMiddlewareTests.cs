using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Conversation;

namespace SupportBot.Bot.Tests.Conversation;

public sealed class OneTurnAtATimeMiddlewareTests
{
    private readonly OneTurnAtATimeMiddleware _middleware = new();

    [Fact]
    public async Task Turns_of_one_conversation_never_overlap()
    {
        var running = 0;
        var maxRunning = 0;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RunTurnAsync("conversation-1", async () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref running);
        })));

        Assert.Equal(1, maxRunning);
        Assert.Equal(0, _middleware.ActiveConversations);
    }

    [Fact]
    public async Task Different_conversations_run_at_the_same_time()
    {
        var bothInside = new TaskCompletionSource();
        var inside = 0;

        var turns = new[] { "conversation-a", "conversation-b" }.Select(id => RunTurnAsync(id, async () =>
        {
            if (Interlocked.Increment(ref inside) == 2)
            {
                bothInside.SetResult();
            }

            await bothInside.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }));

        await Task.WhenAll(turns);
        Assert.True(bothInside.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_failing_turn_releases_the_conversation()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => RunTurnAsync("conversation-1", () => throw new InvalidOperationException("boom")));

        await RunTurnAsync("conversation-1", () => Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _middleware.ActiveConversations);
    }

    private Task RunTurnAsync(string conversationId, Func<Task> turn)
    {
        var activity = new Activity(ActivityTypes.Message) { ChannelId = "test", Conversation = new ConversationAccount(id: conversationId) };
        var context = new TurnContext(new TestAdapter(), activity);
        return _middleware.OnTurnAsync(context, _ => turn());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
