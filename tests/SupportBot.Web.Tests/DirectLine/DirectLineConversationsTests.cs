using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Telemetry;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Channels.DirectLine.Connector;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.DirectLine;

public sealed class DirectLineConversationsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MemoryDirectLineStore _store = new();
    private readonly DirectLineConnectorClient _client;

    public DirectLineConversationsTests()
    {
        var notifier = new InProcessConversationNotifier(Options.Create(new DirectLineOptions()), NullLogger<InProcessConversationNotifier>.Instance);
        var history = new ActivityHistory(_store, notifier, new OpenActivityStreams(new BotTelemetry(_services.GetRequiredService<IMeterFactory>())), TimeProvider.System);
        var handler = new BotConnectorHandler(history, NullLogger<BotConnectorHandler>.Instance);
        _client = new DirectLineConnectorClient(
            new ConnectorClient(new Uri("http://localhost/v3/directline/"), MicrosoftAppCredentials.Empty, new HttpClient(handler)), history);
    }

    public void Dispose()
    {
        _client.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task A_reply_of_the_bot_goes_into_the_conversations_history_with_the_id_it_is_given()
    {
        await _store.TryStartAsync(new DirectLineConversation("c-1", "dl_user", DateTimeOffset.UtcNow), default);
        var reply = new Activity(ActivityTypes.Message)
        {
            Text = "Register the key hash in the app's platform settings.",
            ReplyToId = "c-1|0000001",
            Conversation = new ConversationAccount(id: "c-1", name: "not stored"),
        };

        var response = await _client.Conversations.ReplyToActivityAsync(reply);

        Assert.Equal("c-1|0000001", response.Id);
        var stored = (await _store.ReadAsync("c-1", 0, 10, default)).Activities.Single();
        Assert.Contains("Register the key hash", stored.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("not stored", stored.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_to_a_conversation_that_was_never_started_is_not_found_as_before()
    {
        var error = await Assert.ThrowsAsync<ErrorResponseException>(() =>
            _client.Conversations.SendToConversationAsync(new Activity(ActivityTypes.Message) { Text = "lost", Conversation = new ConversationAccount(id: "nowhere") }));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Updating_an_activity_is_refused_as_azures_direct_line_refuses_it()
    {
        await _store.TryStartAsync(new DirectLineConversation("c-1", "dl_user", DateTimeOffset.UtcNow), default);

        var error = await Assert.ThrowsAsync<ErrorResponseException>(() =>
            _client.Conversations.UpdateActivityAsync("c-1", "c-1|0000001", new Activity(ActivityTypes.Message) { Text = "changed" }));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, error.Response.StatusCode);
        Assert.Empty((await _store.ReadAsync("c-1", 0, 10, default)).Activities);
    }
}
