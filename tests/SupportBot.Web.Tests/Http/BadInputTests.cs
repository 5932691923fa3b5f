using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.Http;

/// <summary>
/// Whatever a client sends, the answer is a status that says what was wrong, with a short reason
/// and never a stack trace or exception text: for the channel endpoint and the REST API alike.
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class BadInputTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    public static TheoryData<string> JsonEndpoints => new() { "/api/messages", "/api/v1/answers" };

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Malformed_json_is_a_400_with_a_short_reason(string path)
    {
        foreach (var body in new[] { "{\"type\": \"message\", ", "not json at all", "", "{'single': 'quotes'}", "{\"a\": 1} trailing" })
        {
            using var response = await PostAsync(path, body, "application/json");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await AssertProblemWithoutInternalsAsync(response);
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Json_that_is_not_an_object_is_a_400(string path)
    {
        foreach (var body in new[] { "[]", "\"message\"", "42", "null" })
        {
            using var response = await PostAsync(path, body, "application/json");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await AssertProblemWithoutInternalsAsync(response);
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_body_over_the_limit_is_a_413(string path)
    {
        var body = $"{{\"question\": \"{new string('a', 300 * 1024)}\", \"type\": \"message\"}}";

        using var response = await PostAsync(path, body, "application/json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblemWithoutInternalsAsync(response);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_body_over_the_limit_without_a_content_length_is_a_413(string path)
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"question\": \"{new string('a', 300 * 1024)}\"}}");
        using var client = await host.CreateReadyClientAsync();
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_body_that_is_not_json_is_a_415(string path)
    {
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "application/xml" })
        {
            using var response = await PostAsync(path, "{\"question\": \"hi\", \"type\": \"message\"}", contentType);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            await AssertProblemWithoutInternalsAsync(response);
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_body_without_a_content_type_is_a_415(string path)
    {
        using var client = await host.CreateReadyClientAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));

        using var response = await client.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Fields_of_the_wrong_type_are_a_400()
    {
        foreach (var body in new[] { "{\"question\": 42}", "{\"question\": \"logout\", \"top\": \"three\"}", "{\"question\": [\"a\"]}", "{\"question\": \"logout\", \"locale\": 5}" })
        {
            using var response = await PostAsync("/api/v1/answers", body, "application/json");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await AssertProblemWithoutInternalsAsync(response);
        }
    }

    [Theory]
    [InlineData("{\"text\": \"hello\"}", "type")]
    [InlineData("{\"type\": \"message\", \"text\": \"hello\", \"channelId\": \"emulator\", \"from\": {\"id\": \"u\"}, \"conversation\": {\"id\": \"c\"}}", "serviceUrl")]
    [InlineData("{\"type\": \"message\", \"serviceUrl\": \"http://127.0.0.1:9\", \"channelId\": \"emulator\", \"from\": {\"id\": \"u\"}}", "conversation.id")]
    [InlineData("{\"type\": \"message\", \"serviceUrl\": \"not a url\", \"channelId\": \"emulator\", \"from\": {\"id\": \"u\"}, \"conversation\": {\"id\": \"c\"}}", "serviceUrl")]
    [InlineData("{\"type\": 7, \"serviceUrl\": \"http://127.0.0.1:9\", \"channelId\": \"emulator\", \"from\": {\"id\": \"u\"}, \"conversation\": {\"id\": \"c\"}}", "type")]
    public async Task An_activity_missing_what_a_reply_needs_is_a_400_naming_the_field(string body, string field)
    {
        using var response = await PostAsync("/api/messages", body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Theory]
    [InlineData("GET", "/no/such/route")]
    [InlineData("POST", "/api/v2/answers")]
    [InlineData("GET", "/api/messages/extra")]
    public async Task An_unknown_route_is_a_404_problem(string method, string path)
    {
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemWithoutInternalsAsync(response);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem()
    {
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.GetAsync("/api/messages");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await AssertProblemWithoutInternalsAsync(response);
    }

    private static async Task AssertProblemWithoutInternalsAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.Equal((int)response.StatusCode, (int)JsonNode.Parse(body)!["status"]!);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string contentType)
    {
        using var client = await host.CreateReadyClientAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync(path, content);
    }

    /// <summary>A body sent without a Content-Length (chunked), so only counting the bytes can catch its size.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
