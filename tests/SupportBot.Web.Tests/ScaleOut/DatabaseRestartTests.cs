using System.Net;
using System.Text.Json.Nodes;
using SupportBot.Bot.Dialogs;
using SupportBot.Core.Knowledge;
using SupportBot.Testing;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.Hosting;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// PostgreSQL restarted under a running host process: while it is away turns fail cleanly (503 with
/// Retry-After) and /readyz says not ready; when it is back the host serves again by itself, and the
/// conversation acknowledged before the restart goes on where it was.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", "ScaleOut")]
public sealed class DatabaseRestartTests(TrainedModelFixture model) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private PostgreSqlServer? _server;
    private HostProcess? _host;

    public async Task InitializeAsync()
    {
        _server = await PostgreSqlServer.StartOwnAsync();
        _host = await HostProcess.StartReadyAsync(model, new Dictionary<string, string>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = _server.ConnectionString("postgres"),
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        try
        {
            _server?.StopOwn();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by a test that failed while the server was away.
        }
    }

    [Fact]
    public async Task While_the_database_restarts_turns_get_a_clean_503_and_afterwards_the_conversation_goes_on()
    {
        using var http = _host!.CreateClient();
        var conversation = $"conv-{Guid.NewGuid():N}";
        var question = TrainingDataLoader.LoadKnowledgeBase(model.TrainingData).Find("login-screen-instead-of-kakaotalk")!.Question;
        using var asked = await http.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, question, expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);

        await _server!.StopServerAsync();
        var duringOutage = new List<(HttpStatusCode Status, string? RetryAfter, string? MediaType, string Body)>();
        for (var i = 0; i < 3; i++)
        {
            using var refused = await http.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, "Android", expectReplies: true));
            duringOutage.Add((refused.StatusCode, refused.Headers.RetryAfter?.ToString(), refused.Content.Headers.ContentType?.MediaType, await refused.Content.ReadAsStringAsync()));
        }

        await WaitForReadinessAsync(http, HttpStatusCode.ServiceUnavailable);
        await _server.StartServerAsync();
        await WaitForReadinessAsync(http, HttpStatusCode.OK);
        using var answered = await http.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, "Android", expectReplies: true));

        Assert.All(duringOutage, response =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
            Assert.NotNull(response.RetryAfter);
            Assert.Equal("application/problem+json", response.MediaType);
            Assert.DoesNotContain("Npgsql", response.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var replies = JsonNode.Parse(await answered.Content.ReadAsStringAsync())!["activities"]!.AsArray().Select(a => (string?)a!["text"]).OfType<string>().ToList();
        // The platform question asked before the restart is answered after it: its state was kept.
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, BotTexts.English.PlatformAnswerIntro, "Android"), replies[0], StringComparison.Ordinal);
    }

    private static async Task WaitForReadinessAsync(HttpClient http, HttpStatusCode expected)
    {
        using var timeout = new CancellationTokenSource(Patience);
        HttpStatusCode? last = null;
        while (!timeout.IsCancellationRequested)
        {
            using var response = await http.GetAsync("/readyz", CancellationToken.None);
            last = response.StatusCode;
            if (last == expected)
            {
                return;
            }

            await Task.Delay(200, CancellationToken.None);
        }

        Assert.Fail($"/readyz stayed {last}, expected {expected}");
    }
}
