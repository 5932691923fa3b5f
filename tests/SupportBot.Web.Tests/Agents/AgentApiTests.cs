using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Agents;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Tests.Agents;

/// <summary>The agent API (<c>/api/v1/agents</c>, <c>/api/v1/handoffs</c>): who may call it, the queue, accept, the long poll, post and end.</summary>
[Collection(WebHostCollection.Name)]
public sealed class AgentApiTests(AgentHost host) : IClassFixture<AgentHost>
{
    [Theory]
    [InlineData("GET", "/api/v1/handoffs")]
    [InlineData("PUT", "/api/v1/agents/me/presence")]
    [InlineData("POST", "/api/v1/handoffs/abc/accept")]
    [InlineData("GET", "/api/v1/handoffs/abc/activities?wait=0")]
    [InlineData("POST", "/api/v1/handoffs/abc/activities")]
    [InlineData("POST", "/api/v1/handoffs/abc/end")]
    public async Task Without_a_key_every_agent_endpoint_is_a_401_and_a_tickets_key_a_403(string method, string path)
    {
        using var anonymous = host.Client(null);
        using var helpDesk = host.Client(AgentHost.TicketsKey);

        using var withoutKey = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("""{"status": "online"}""") });
        using var withTicketsKey = await helpDesk.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("""{"status": "online"}""") });

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withTicketsKey.StatusCode);
        Assert.Contains("'agent' scope", (string)(await AgentHost.JsonAsync(withTicketsKey))["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/tickets")]
    [InlineData("GET", "/api/v1/webhook-events")]
    [InlineData("GET", "/api/v1/faq")]
    [InlineData("POST", "/api/v1/answers")]
    [InlineData("GET", "/api/v1/conversations/directline/abc/transcript")]
    [InlineData("POST", "/api/v1/privacy/erasures")]
    public async Task An_agent_key_opens_nothing_outside_the_agent_api(string method, string path)
    {
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("""{"question": "logout"}""") });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_queue_lists_waiting_handoffs_oldest_first_with_place_and_question_log()
    {
        var first = await host.QueueAsync("first question");
        var second = await host.QueueAsync("second question");
        using var ann = host.Client(AgentHost.AnnKey);

        var waiting = (await ann.GetFromJsonAsync<JsonArray>("/api/v1/handoffs?status=waiting&limit=200"))!;

        var ids = waiting.Select(h => (string)h!["id"]!).ToList();
        Assert.True(ids.IndexOf(first.Id) < ids.IndexOf(second.Id));
        var shown = waiting.Single(h => (string)h!["id"]! == second.Id)!;
        Assert.Equal("waiting", (string)shown["status"]!);
        Assert.Equal("directline", (string)shown["channelId"]!);
        Assert.Equal(second.ConversationId, (string)shown["conversationId"]!);
        Assert.Equal("Jisoo", (string)shown["userName"]!);
        Assert.NotNull(shown["waitingSince"]);
        Assert.Null(shown["agent"]);
        Assert.Equal("second question", (string)shown["questions"]![0]!["text"]!);
        Assert.Equal(ids.IndexOf(second.Id) + 1, (int)shown["place"]!);
        Assert.Null(shown["conversationReference"]);
    }

    [Theory]
    [InlineData("status=open")]
    [InlineData("status=")]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("limit=201")]
    public async Task A_bad_list_query_is_a_400_problem(string query)
    {
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.GetAsync($"/api/v1/handoffs?{query}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Accepting_a_waiting_handoff_makes_it_the_agents_and_tells_the_bot()
    {
        var handoff = await host.QueueAsync();
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/accept", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = await AgentHost.JsonAsync(response);
        Assert.Equal("active", (string)accepted["status"]!);
        Assert.Equal(AgentHost.Ann, (string)accepted["agent"]!);
        var call = Assert.Single(host.Relay.For(handoff.Id));
        Assert.Equal(nameof(IHandoffRelay.AcceptedAsync), call.Call);
        Assert.Equal(AgentHost.Ann, call.Handoff.Agent);
        Assert.Contains((await ann.GetFromJsonAsync<JsonArray>("/api/v1/handoffs?status=active"))!, h => (string)h!["id"]! == handoff.Id);
    }

    [Fact]
    public async Task A_handoff_another_agent_holds_or_that_ended_cannot_be_accepted()
    {
        var held = await host.AcceptedByAnnAsync();
        var ended = await host.QueueAsync();
        await host.Store.EndAsync(ended.Id, HandoffEndReason.Cancelled, null, host.Clock.GetUtcNow());
        using var bob = host.Client(AgentHost.BobKey);

        using var heldByAnn = await bob.PostAsync($"/api/v1/handoffs/{held.Id}/accept", null);
        using var cancelled = await bob.PostAsync($"/api/v1/handoffs/{ended.Id}/accept", null);
        using var unknown = await bob.PostAsync("/api/v1/handoffs/no-such-handoff/accept", null);
        using var badId = await bob.PostAsync("/api/v1/handoffs/bad%20id/accept", null);

        await AssertProblemAsync(heldByAnn, HttpStatusCode.Conflict);
        await AssertProblemAsync(cancelled, HttpStatusCode.Conflict);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await AssertProblemAsync(badId, HttpStatusCode.BadRequest);
        Assert.Equal(AgentHost.Ann, (await host.Store.FindAsync(held.Id))!.Agent);
        Assert.Empty(host.Relay.For(held.Id));
        Assert.Empty(host.Relay.For(ended.Id));
    }

    [Fact]
    public async Task Two_agents_accepting_at_once_one_wins_and_the_other_gets_409()
    {
        var handoff = await host.QueueAsync();
        using var ann = host.Client(AgentHost.AnnKey);
        using var bob = host.Client(AgentHost.BobKey);

        var answers = await Task.WhenAll(ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/accept", null), bob.PostAsync($"/api/v1/handoffs/{handoff.Id}/accept", null));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Single(host.Relay.For(handoff.Id));
    }

    [Fact]
    public async Task The_agent_reads_the_users_messages_after_a_watermark()
    {
        var handoff = await host.AcceptedByAnnAsync();
        await host.UserSaysAsync(handoff.Id, "first");
        await host.UserSaysAsync(handoff.Id, "second");
        using var ann = host.Client(AgentHost.AnnKey);

        var all = (await ann.GetFromJsonAsync<JsonNode>($"/api/v1/handoffs/{handoff.Id}/activities?wait=0"))!;
        await host.UserSaysAsync(handoff.Id, "third");
        var rest = (await ann.GetFromJsonAsync<JsonNode>($"/api/v1/handoffs/{handoff.Id}/activities?watermark={(string)all["watermark"]!}&wait=0"))!;
        var none = (await ann.GetFromJsonAsync<JsonNode>($"/api/v1/handoffs/{handoff.Id}/activities?watermark={(string)rest["watermark"]!}&wait=0"))!;

        Assert.Equal(["first", "second"], all["activities"]!.AsArray().Select(a => (string)a!["text"]!));
        Assert.Equal("message", (string)all["activities"]![0]!["type"]!);
        Assert.Equal("user", (string)all["activities"]![0]!["from"]!["role"]!);
        Assert.Equal(["third"], rest["activities"]!.AsArray().Select(a => (string)a!["text"]!));
        Assert.Empty(none["activities"]!.AsArray());
        Assert.Equal((string)rest["watermark"]!, (string)none["watermark"]!);
        Assert.Equal("active", (string)none["status"]!);
    }

    [Fact]
    public async Task A_waiting_read_is_answered_by_the_users_next_message()
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);
        var notifier = host.Factory.Services.GetRequiredService<InProcessConversationNotifier>();

        var read = ann.GetFromJsonAsync<JsonNode>($"/api/v1/handoffs/{handoff.Id}/activities?watermark=0&wait=25");
        await WaitUntilAsync(() => notifier.SubscriberCount(HandoffNotifications.Activities(handoff.Id)) > 0);
        await host.UserSaysAsync(handoff.Id, "are you there?");

        // Had the wait run out, the answer would be empty: the message in it means the append woke the read.
        var answer = (await read)!;
        Assert.Equal(["are you there?"], answer["activities"]!.AsArray().Select(a => (string)a!["text"]!));
        Assert.Equal("1", (string)answer["watermark"]!);
    }

    [Fact]
    public async Task A_waiting_read_ends_when_the_handoff_ends()
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);
        var notifier = host.Factory.Services.GetRequiredService<InProcessConversationNotifier>();

        var read = ann.GetFromJsonAsync<JsonNode>($"/api/v1/handoffs/{handoff.Id}/activities?wait=25");
        await WaitUntilAsync(() => notifier.SubscriberCount(HandoffNotifications.Activities(handoff.Id)) > 0);
        await host.Store.EndAsync(handoff.Id, HandoffEndReason.Completed, AgentHost.Ann, host.Clock.GetUtcNow());

        Assert.Equal("ended", (string)(await read)!["status"]!);
    }

    [Theory]
    [InlineData("watermark=abc")]
    [InlineData("watermark=-1")]
    [InlineData("watermark=1.5")]
    [InlineData("wait=26")]
    [InlineData("wait=-1")]
    [InlineData("wait=soon")]
    public async Task A_bad_watermark_or_wait_is_a_400_problem(string query)
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.GetAsync($"/api/v1/handoffs/{handoff.Id}/activities?{query}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_agents_message_and_typing_go_to_the_bots_relay_with_the_agents_name()
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);

        using var typing = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/activities", Json("""{"type": "typing"}"""));
        using var message = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/activities", Json("""{"type": "message", "text": " Hello, I am Ann. "}"""));

        Assert.Equal(HttpStatusCode.Accepted, typing.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, message.StatusCode);
        var sent = host.Relay.For(handoff.Id).Where(c => c.Call == nameof(IHandoffRelay.SendFromAgentAsync)).Select(c => c.Activity!).ToList();
        Assert.Equal(["typing", "message"], sent.Select(a => a.Type));
        Assert.Equal("Hello, I am Ann.", sent[1].Text);
        Assert.Equal(AgentHost.Ann, sent[1].From.Name);
        var log = (await ann.GetFromJsonAsync<JsonNode>($"/api/v1/handoffs/{handoff.Id}/activities?wait=0"))!;
        Assert.Equal("Hello, I am Ann.", (string)log["activities"]![1]!["text"]!);
    }

    [Fact]
    public async Task Posting_to_a_handoff_that_is_not_yours_or_not_active_is_refused_and_nothing_is_sent()
    {
        var anns = await host.AcceptedByAnnAsync();
        var waiting = await host.QueueAsync();
        var ended = await host.AcceptedByAnnAsync();
        await host.Store.EndAsync(ended.Id, HandoffEndReason.Completed, AgentHost.Ann, host.Clock.GetUtcNow());
        using var bob = host.Client(AgentHost.BobKey);
        using var ann = host.Client(AgentHost.AnnKey);
        var body = """{"type": "message", "text": "hello"}""";

        using var notYours = await bob.PostAsync($"/api/v1/handoffs/{anns.Id}/activities", Json(body));
        using var notAccepted = await ann.PostAsync($"/api/v1/handoffs/{waiting.Id}/activities", Json(body));
        using var over = await ann.PostAsync($"/api/v1/handoffs/{ended.Id}/activities", Json(body));
        using var unknown = await ann.PostAsync("/api/v1/handoffs/no-such-handoff/activities", Json(body));

        await AssertProblemAsync(notYours, HttpStatusCode.Forbidden);
        await AssertProblemAsync(notAccepted, HttpStatusCode.Conflict);
        await AssertProblemAsync(over, HttpStatusCode.Conflict);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.DoesNotContain(host.Relay.Calls, c => c.Call == nameof(IHandoffRelay.SendFromAgentAsync) && c.Handoff.Id is var id && (id == anns.Id || id == waiting.Id || id == ended.Id));
        Assert.Empty((await host.Store.ReadAsync(anns.Id, 0, 10)).Activities);
    }

    [Theory]
    [InlineData("""{"type": "message"}""")]
    [InlineData("""{"type": "message", "text": "   "}""")]
    [InlineData("""{"type": "message", "text": 42}""")]
    [InlineData("""{"type": "event", "text": "hi"}""")]
    [InlineData("""{"type": 1}""")]
    [InlineData("""{"text": "hi"}""")]
    [InlineData("""{"type": "message", "text": "hi", "from": {"name": "Boss"}}""")]
    [InlineData("""{"type": "message", "text": "hi""")]
    [InlineData("""[]""")]
    public async Task A_bad_activity_is_a_400_problem_and_nothing_is_sent(string body)
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/activities", Json(body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain(host.Relay.For(handoff.Id), c => c.Call == nameof(IHandoffRelay.SendFromAgentAsync));
    }

    [Fact]
    public async Task A_message_longer_than_the_bots_limit_is_a_400_problem()
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/activities", Json(new JsonObject { ["type"] = "message", ["text"] = new string('x', 4001) }.ToJsonString()));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("MaxMessageLength", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Relay.For(handoff.Id), c => c.Call == nameof(IHandoffRelay.SendFromAgentAsync));
    }

    [Theory]
    [InlineData(null, "completed")]
    [InlineData("""{"reason": "transferred"}""", "transferred")]
    [InlineData("""{}""", "completed")]
    public async Task Ending_your_handoff_ends_it_and_tells_the_bot(string? body, string reason)
    {
        var handoff = await host.AcceptedByAnnAsync();
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/end", body is null ? null : Json(body));
        using var again = await ann.PostAsync($"/api/v1/handoffs/{handoff.Id}/end", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ended = await AgentHost.JsonAsync(response);
        Assert.Equal("ended", (string)ended["status"]!);
        Assert.Equal(reason, (string)ended["endReason"]!);
        var call = Assert.Single(host.Relay.For(handoff.Id));
        Assert.Equal(nameof(IHandoffRelay.EndedAsync), call.Call);
        Assert.Equal(reason, call.Handoff.EndReason);
        await AssertProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Another_agent_cannot_end_your_handoff_nor_anyone_a_waiting_one()
    {
        var anns = await host.AcceptedByAnnAsync();
        var waiting = await host.QueueAsync();
        using var bob = host.Client(AgentHost.BobKey);

        using var notYours = await bob.PostAsync($"/api/v1/handoffs/{anns.Id}/end", null);
        using var notAccepted = await bob.PostAsync($"/api/v1/handoffs/{waiting.Id}/end", null);
        using var badReason = await bob.PostAsync($"/api/v1/handoffs/{anns.Id}/end", Json("""{"reason": "timed-out"}"""));

        await AssertProblemAsync(notYours, HttpStatusCode.Forbidden);
        await AssertProblemAsync(notAccepted, HttpStatusCode.Conflict);
        await AssertProblemAsync(badReason, HttpStatusCode.BadRequest);
        Assert.Equal(HandoffStatus.Active, (await host.Store.FindAsync(anns.Id))!.Status);
        Assert.Equal(HandoffStatus.Waiting, (await host.Store.FindAsync(waiting.Id))!.Status);
    }

    [Fact]
    public async Task Presence_is_set_kept_by_any_call_and_offline_after_the_timeout()
    {
        using var bob = host.Client(AgentHost.BobKey);

        using var set = await bob.PutAsync("/api/v1/agents/me/presence", Json("""{"status": "away"}"""));
        var away = await AgentHost.JsonAsync(set);
        host.Clock.Advance(TimeSpan.FromSeconds(50));
        using var list = await bob.GetAsync("/api/v1/handoffs");  // heard from: the timeout starts again
        host.Clock.Advance(TimeSpan.FromSeconds(50));
        var kept = (await bob.GetFromJsonAsync<JsonNode>("/api/v1/agents/me/presence"))!;
        host.Clock.Advance(TimeSpan.FromSeconds(61));
        using var scope = host.Factory.Services.CreateScope();
        var silent = (await scope.ServiceProvider.GetRequiredService<AgentDesk>().PresenceAsync(AgentHost.Bob, CancellationToken.None)).Status;

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("away", (string)away["status"]!);
        Assert.Equal("Bob", (string)away["agent"]!);
        Assert.Equal("away", (string)kept["status"]!);
        Assert.Equal("offline", silent);
    }

    [Fact]
    public async Task An_agent_silent_for_the_presence_timeout_reads_as_offline_to_others()
    {
        using var ann = host.Client(AgentHost.AnnKey);
        using var set = await ann.PutAsync("/api/v1/agents/me/presence", Json("""{"status": "online"}"""));
        using var scope = host.Factory.Services.CreateScope();
        var desk = scope.ServiceProvider.GetRequiredService<AgentDesk>();

        var before = await desk.PresenceAsync(AgentHost.Ann, CancellationToken.None);
        host.Clock.Advance(TimeSpan.FromSeconds(60));
        var after = await desk.PresenceAsync(AgentHost.Ann, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("online", before.Status);
        Assert.Equal("offline", after.Status);
    }

    [Theory]
    [InlineData("""{"status": "busy"}""")]
    [InlineData("""{"status": 1}""")]
    [InlineData("""{}""")]
    [InlineData("""{"status": "online", "mood": "good"}""")]
    [InlineData("""not json""")]
    public async Task A_bad_presence_is_a_400_problem(string body)
    {
        using var ann = host.Client(AgentHost.AnnKey);

        using var response = await ann.PutAsync("/api/v1/agents/me/presence", Json(body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_agent_api_with_the_key()
    {
        using var client = host.Client(null);

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!;
        foreach (var (path, method) in new[]
        {
            ("/api/v1/agents/me/presence", "put"),
            ("/api/v1/handoffs", "get"),
            ("/api/v1/handoffs/{id}/accept", "post"),
            ("/api/v1/handoffs/{id}/activities", "get"),
            ("/api/v1/handoffs/{id}/activities", "post"),
            ("/api/v1/handoffs/{id}/end", "post"),
        })
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method} {path} is not in the document");
            Assert.NotNull(operation!["security"]![0]!["ApiKey"]);
        }

        Assert.NotNull(paths["/api/v1/handoffs/{id}/accept"]!["post"]!["responses"]!["409"]);
        Assert.Null(paths["/agent/api/handoffs"]);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
