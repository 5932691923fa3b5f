using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SupportBot.Web.Tests.BadInput;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>Bad skill requests: a ProblemDetails with the right status, and nothing stored.</summary>
[Collection(WebHostCollection.Name)]
public sealed class KakaoBadInputTests(KakaoSkillHost host) : IClassFixture<KakaoSkillHost>
{
    public static TheoryData<string, string> Incomplete => new()
    {
        { "no userRequest", """{"bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "no utterance", """{"userRequest": {"user": {"id": "user-1"}, "lang": "ko"}, "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "no user", """{"userRequest": {"utterance": "hello"}, "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "an empty user id", """{"userRequest": {"utterance": "hello", "user": {"id": ""}}, "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "a user id over 70 characters", $$$"""{"userRequest": {"utterance": "hello", "user": {"id": "{{{new string('k', 71)}}}"}}, "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "no bot", """{"userRequest": {"utterance": "hello", "user": {"id": "user-1"}}}""" },
        { "a number for the utterance", """{"userRequest": {"utterance": 42, "user": {"id": "user-1"}}, "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "a string for userRequest", """{"userRequest": "hello", "bot": {"id": "65a1e9b7c4f0a1b2c3d4e5f6"}}""" },
        { "a JSON array", """[{"userRequest": {"utterance": "hello"}}]""" },
    };

    [Theory]
    [MemberData(nameof(Incomplete))]
    public async Task An_incomplete_skill_request_is_a_400_problem_and_stores_nothing(string what, string body)
    {
        await AssertRefusedAsync(HttpStatusCode.BadRequest, () => KakaoSkill.PostRawAsync(host.Client, Encoding.UTF8.GetBytes(body)), what);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_and_stores_nothing()
    {
        var json = KakaoSkill.Request("hello", KakaoSkill.NewUserKey()).ToJsonString();

        await AssertRefusedAsync(HttpStatusCode.BadRequest, () => KakaoSkill.PostRawAsync(host.Client, Encoding.UTF8.GetBytes(json[..^2])), "malformed JSON");
    }

    [Fact]
    public async Task A_bot_id_not_in_kakao_bot_ids_is_a_403_problem_and_stores_nothing()
    {
        var request = KakaoSkill.Request("hello", KakaoSkill.NewUserKey(), botId: "65a1e9b7c4f0a1b2c3d4e5ff");

        await AssertRefusedAsync(HttpStatusCode.Forbidden, () => KakaoSkill.PostAsync(host.Client, request), "another bot");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("kakao-skill-secret-7f3a9c1e5b2d8046af1c3e5b7d9f0a2d")]
    [InlineData("kakao-skill-secret-7f3a9c1e5b2d8046af1c3e5b7d9f0a2c-and-more")]
    public async Task A_missing_or_wrong_secret_header_is_a_401_problem_and_stores_nothing(string? secret)
    {
        var request = KakaoSkill.Request("hello", KakaoSkill.NewUserKey());

        await AssertRefusedAsync(HttpStatusCode.Unauthorized, () => KakaoSkill.PostAsync(host.Client, request, secret), $"secret '{secret}'");
    }

    [Fact]
    public async Task A_body_over_the_request_body_limit_is_a_413_problem_and_stores_nothing()
    {
        var request = KakaoSkill.Request("hello", KakaoSkill.NewUserKey());
        request["action"]!["clientExtra"] = new JsonObject { ["padding"] = new string('x', 300 * 1024) };

        await AssertRefusedAsync(HttpStatusCode.RequestEntityTooLarge, () => KakaoSkill.PostAsync(host.Client, request), "a 300 KB body");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        await AssertRefusedAsync(
            HttpStatusCode.UnsupportedMediaType,
            () => KakaoSkill.PostRawAsync(host.Client, Encoding.UTF8.GetBytes("utterance=hello"), contentType: "application/x-www-form-urlencoded"),
            "a form");
    }

    private async Task AssertRefusedAsync(HttpStatusCode expected, Func<Task<HttpResponseMessage>> send, string what)
    {
        var before = await StoreSnapshot.SettledAsync(host.Factory.DatabasePath);

        using var response = await send();

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (int?)JsonNode.Parse(body)!["status"]);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        var after = await StoreSnapshot.ReadAsync(host.Factory.DatabasePath);
        Assert.True(before.Hash == after.Hash, $"the store changed: {what}");
    }
}
