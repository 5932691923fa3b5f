using System.Net;
using System.Text.Json.Nodes;
using SupportBot.Testing;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Tests.Http;

/// <summary>
/// A turn that meets the PostgreSQL database away (down, restarting, unreachable) fails as a whole
/// with a 503 and a Retry-After, so the caller sends it again later: no 500, no stack trace, and
/// no apology reply that could not have been saved anyway.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class DatabaseOutageTests(TrainedModelFixture model)
{
    private const string ApiKey = "hd-outage-key-0123456789abcdef";

    [Fact]
    public async Task A_turn_while_the_database_is_unreachable_is_a_503_with_retry_after()
    {
        await using var host = Unreachable();
        using var client = host.CreateClient();
        await WaitForTheModelAsync(client);

        using var response = await client.PostActivityAsync(
            Activities.Message("http://127.0.0.1:9", $"conv-{Guid.NewGuid():N}", "keyhash mismatch android", expectReplies: true));

        await AssertDatabaseProblemAsync(response);
    }

    [Fact]
    public async Task The_help_desk_api_while_the_database_is_unreachable_answers_503_with_retry_after()
    {
        await using var host = Unreachable();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

        using var list = await client.GetAsync("/api/v1/tickets");

        await AssertDatabaseProblemAsync(list);
    }

    [Fact]
    public async Task Starting_a_direct_line_conversation_while_the_database_is_unreachable_is_a_503_with_retry_after()
    {
        await using var host = Unreachable();
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SupportBotFactory.DirectLineSecret);

        using var response = await client.SendAsync(request);

        await AssertDatabaseProblemAsync(response);
    }

    private SupportBotFactory Unreachable()
    {
        // Nothing listens on port 1 of loopback: Npgsql meets the same socket error as with a stopped server.
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Database = "supportbot", Username = "supportbot", Timeout = 2 }.ToString();
        return SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = unreachable,
            ["HelpDesk:ApiKeys:0:Name"] = "help-desk",
            ["HelpDesk:ApiKeys:0:Key"] = ApiKey,
        });
    }

    private static async Task AssertDatabaseProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(503, (int?)problem["status"]);
        Assert.Contains("database is not reachable", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    /// <summary>/readyz stays 503 (the database is down), so wait for its model check alone: else the turn would meet the loading model.</summary>
    private static async Task WaitForTheModelAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/readyz");
            var ready = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if ((string?)ready["checks"]?["model"]?["status"] == "Healthy")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the model did not load: {ready.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
