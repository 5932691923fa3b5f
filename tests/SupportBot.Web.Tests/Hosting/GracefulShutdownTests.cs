using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SupportBot.Web.Tests.Channels;
using Xunit.Abstractions;

namespace SupportBot.Web.Tests.Hosting;

/// <summary>
/// SIGTERM to the real host process in the middle of a burst of turns: every turn it accepted is
/// answered, every other one is refused cleanly (a 503 problem, or no connection at all), the
/// Direct Line WebSocket is closed with 1001, the process exits 0, and the SQLite file holds each
/// accepted turn whole: the user's message with the bot's replies.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class GracefulShutdownTests(TrainedModelFixture model, ITestOutputHelper output)
{
    private const int Clients = 12;
    private const int TurnsBeforeSigterm = 24;
    private static readonly string[] Questions = ["keyhash mismatch android", "how do i change the app owner", "logout fails", "hello"];

    [Fact]
    public async Task Sigterm_during_a_burst_of_turns_answers_every_accepted_turn_and_refuses_the_rest_cleanly()
    {
        await using var host = await HostProcess.StartReadyAsync(model, new Dictionary<string, string>
        {
            ["RateLimits:BotMessages:PermitLimit"] = "0",
            ["RateLimits:BotMessagesPerAddress:PermitLimit"] = "0",
            ["Shutdown:Timeout"] = "00:02:00",
        });
        using var client = host.CreateClient();
        await using var channel = await ChannelListener.StartAsync();
        var stream = await OpenDirectLineStreamAsync(client);
        var streamClosed = ReadUntilClosedAsync(stream);

        var answered = new ConcurrentBag<Turn>();
        var refused = new ConcurrentBag<Turn>();
        var answeredAfterSigterm = 0;
        var sigtermSent = false;
        var unexpected = new ConcurrentBag<string>();
        var enoughTurns = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            var conversation = $"conv-sigterm-{i}-{Guid.NewGuid():N}";
            for (var n = 0; ; n++)
            {
                var turn = new Turn(conversation, Guid.NewGuid().ToString("N"), Questions[n % Questions.Length]);
                switch (await SendAsync(client, channel.ServiceUrl, turn))
                {
                    case Outcome.Answered:
                        answered.Add(turn);
                        if (Volatile.Read(ref sigtermSent))
                        {
                            Interlocked.Increment(ref answeredAfterSigterm);
                        }

                        if (answered.Count >= TurnsBeforeSigterm)
                        {
                            enoughTurns.TrySetResult();
                        }

                        break;
                    case Outcome.Refused or Outcome.NotConnected:
                        refused.Add(turn);
                        return;
                    case var other:
                        unexpected.Add($"{turn.Text} in {conversation}: {other}");
                        return;
                }
            }
        })).ToList();

        await enoughTurns.Task.WaitAsync(TimeSpan.FromMinutes(3));
        host.Terminate();
        Volatile.Write(ref sigtermSent, true);
        await Task.WhenAll(clients);
        var exitCode = await host.WaitForExitAsync();

        output.WriteLine($"{answered.Count} turns answered ({answeredAfterSigterm} of them after SIGTERM), {refused.Count} clients refused");
        Assert.Empty(unexpected);
        Assert.Equal(0, exitCode);
        Assert.Equal(Clients, refused.Count);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await streamClosed);
        Assert.Contains(host.Output, line => line.Contains("new requests get 503", StringComparison.Ordinal));

        var transcript = ReadTranscript(host.DatabasePath);
        foreach (var turn in answered)
        {
            Assert.True(transcript.TryGetValue(turn.ActivityId, out var replies) && replies > 0, $"the answered turn {turn.ActivityId} ({turn.Text}) is in the transcript with its replies");
        }

        // Nothing half-written: every user message in the file has the bot's replies beside it.
        Assert.All(transcript, message => Assert.True(message.Value > 0, $"the message {message.Key} has no reply in the transcript"));
        Assert.DoesNotContain(refused, turn => transcript.ContainsKey(turn.ActivityId));
        AssertStateReadable(host.DatabasePath);
    }

    [Fact]
    public async Task With_json_logs_every_line_of_a_turn_carries_its_conversation_id()
    {
        await using var host = await HostProcess.StartReadyAsync(model, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:SupportBot"] = "Information",
        });
        using var client = host.CreateClient();
        var conversation = $"conv-logged-{Guid.NewGuid():N}";

        using var response = await client.PostActivityAsync(Activities.Message("http://127.0.0.1:9/", conversation, "keyhash mismatch android", expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await HelpDesk.Eventually.UntilAsync(() => host.Output.Any(l => l.Contains("\"Decision ", StringComparison.Ordinal)), "the decision's log line");
        var lines = host.Output.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.NotEmpty(lines);
        var decision = Assert.Single(lines, l => ((string?)l["Message"])?.StartsWith("Decision ", StringComparison.Ordinal) == true);
        Assert.Equal("Information", (string?)decision["LogLevel"]);
        Assert.True(DateTimeOffset.TryParse((string?)decision["Timestamp"], System.Globalization.CultureInfo.InvariantCulture, out _), "an ISO 8601 timestamp");
        Assert.Equal("SupportBot.Bot.Dialogs.QuestionRouter", (string?)decision["Category"]);
        Assert.Contains(decision["Scopes"]!.AsArray(), scope => (string?)scope?["ConversationId"] == conversation);
    }

    private static async Task<Outcome> SendAsync(HttpClient client, string serviceUrl, Turn turn)
    {
        var activity = Activities.Message(serviceUrl, turn.Conversation, turn.Text, expectReplies: true);
        activity["id"] = turn.ActivityId;
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync("/api/messages", activity);
        }
        catch (HttpRequestException)
        {
            return Outcome.NotConnected;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var problem = JsonNode.Parse(body)!;
                return response.Content.Headers.ContentType?.MediaType == "application/problem+json" && (int?)problem["status"] == 503 && response.Headers.RetryAfter is not null
                    ? Outcome.Refused
                    : Outcome.Broken;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Outcome.Broken;
            }

            var replies = JsonNode.Parse(body)!["activities"]!.AsArray();
            return replies.Any(r => !string.IsNullOrEmpty((string?)r?["text"]) && (string?)r?["replyToId"] == turn.ActivityId)
                ? Outcome.Answered
                : Outcome.Broken;
        }
    }

    private static async Task<ClientWebSocket> OpenDirectLineStreamAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        request.Headers.Authorization = new("Bearer", SupportBotFactory.DirectLineSecret);
        using var started = await client.SendAsync(request);
        started.EnsureSuccessStatusCode();
        var streamUrl = (string)JsonNode.Parse(await started.Content.ReadAsStringAsync())!["streamUrl"]!;
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(streamUrl), CancellationToken.None);
        return socket;
    }

    private static async Task<WebSocketCloseStatus?> ReadUntilClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return received.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>Each user message of the transcript, by activity id, with the number of bot messages that reply to it.</summary>
    private static Dictionary<string, int> ReadTranscript(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT activity FROM transcript_activities WHERE channel_id = 'emulator'";
        var activities = new List<JsonNode>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                activities.Add(JsonNode.Parse(reader.GetString(0))!);
            }
        }

        var messages = activities.Where(a => (string?)a["type"] == "message").ToList();
        return messages
            .Where(a => (string?)a["from"]?["role"] == "user")
            .ToDictionary(
                a => (string)a["id"]!,
                a => messages.Count(r => (string?)r["from"]?["role"] == "bot" && (string?)r["replyToId"] == (string?)a["id"]));
    }

    private static void AssertStateReadable(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)check.ExecuteScalar());
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state_key, document FROM bot_state";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Assert.True(JsonNode.Parse(reader.GetString(1)) is JsonObject, $"the state {reader.GetString(0)} is a whole JSON document");
        }
    }

    private sealed record Turn(string Conversation, string ActivityId, string Text);

    private enum Outcome
    {
        Answered,
        Refused,
        NotConnected,
        Broken,
    }
}
