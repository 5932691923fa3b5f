using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>The help-desk REST API: the answers contract, the FAQ, and the OpenAPI document that describes them.</summary>
[Collection(WebHostCollection.Name)]
public sealed class HelpDeskApiTests(TrainedModelFixture model, SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    [Fact]
    public async Task Answers_follow_the_contract_best_match_first()
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question = "keyhash mismatch android", top = 3 });

        Assert.Equal(["answered", "matches", "outcome", "query"], result.AsObject().Select(p => p.Key).Order());
        Assert.Equal("keyhash mismatch android", (string?)result["query"]);
        Assert.True((bool)result["answered"]!);
        Assert.Equal("answer", (string?)result["outcome"]);
        var matches = result["matches"]!.AsArray();
        Assert.Equal(3, matches.Count);
        var best = matches[0]!;
        Assert.Equal(["answer", "category", "id", "question", "score"], best.AsObject().Select(p => p.Key).Order());
        Assert.Equal("android-keyhash-mismatch", (string?)best["id"]);
        Assert.StartsWith("This error occurs when the key hash value", (string?)best["answer"]);
        Assert.False(string.IsNullOrEmpty((string?)best["question"]));
        Assert.False(string.IsNullOrEmpty((string?)best["category"]));
        var scores = matches.Select(m => (float)m!["score"]!).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task Top_sets_how_many_matches_come_back(int top)
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question = "how do i change the app owner", top });

        Assert.Equal(top, result["matches"]!.AsArray().Count);
    }

    [Fact]
    public async Task Top_defaults_to_three()
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question = "how do i change the app owner" });

        Assert.Equal(3, result["matches"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("what is the weather in paris tomorrow")]
    [InlineData("recommend me a good pizza place")]
    public async Task An_out_of_scope_question_is_not_answered(string question)
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question });

        Assert.False((bool)result["answered"]!);
        Assert.Equal("fallback", (string?)result["outcome"]);
    }

    [Theory]
    [InlineData("{}", "question")]
    [InlineData("""{"question": ""}""", "question")]
    [InlineData("""{"question": "   "}""", "question")]
    [InlineData("""{"question": null}""", "question")]
    [InlineData("""{"question": "logout fails", "top": 0}""", "top")]
    [InlineData("""{"question": "logout fails", "top": 11}""", "top")]
    [InlineData("""{"question": "logout fails", "top": -3}""", "top")]
    [InlineData("""{"question": "logout fails", "locale": "fr-FR"}""", "locale")]
    [InlineData("""{"question": "logout fails", "locale": ""}""", "locale")]
    [InlineData("""{"question": "logout fails", "locale": "ko KR"}""", "locale")]
    public async Task A_missing_question_a_top_out_of_range_or_an_unknown_locale_is_a_400_naming_the_field(string body, string field)
    {
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.PostAsync("/api/v1/answers", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Theory]
    [InlineData("ko-KR")]
    [InlineData("ko")]
    public async Task A_korean_locale_gets_the_english_faq_answers_with_the_korean_notice(string locale)
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question = "안드로이드 키해시 오류가 나요", locale });

        Assert.Equal(["answered", "locale", "matches", "notice", "outcome", "query"], result.AsObject().Select(p => p.Key).Order());
        Assert.Equal("ko", (string?)result["locale"]);
        Assert.Equal("아래 답변은 카카오 디벨로퍼스 FAQ의 영어 원문이에요.", (string?)result["notice"]);
        Assert.True((bool)result["answered"]!);
        var best = result["matches"]![0]!;
        Assert.Equal("android-keyhash-mismatch", (string?)best["id"]);
        Assert.StartsWith("This error occurs when the key hash value", (string?)best["answer"]);
    }

    [Fact]
    public async Task An_english_locale_says_english_and_adds_no_notice()
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question = "keyhash mismatch android", locale = "en-US" });

        Assert.Equal(["answered", "locale", "matches", "outcome", "query"], result.AsObject().Select(p => p.Key).Order());
        Assert.Equal("en", (string?)result["locale"]);
        Assert.Equal("android-keyhash-mismatch", (string?)result["matches"]![0]!["id"]);
    }

    [Fact]
    public async Task A_korean_question_without_a_locale_keeps_the_contract_as_it_was()
    {
        using var client = await host.CreateReadyClientAsync();

        var result = await PostAnswersAsync(client, new { question = "로그아웃이 안 돼요" });

        Assert.Equal(["answered", "matches", "outcome", "query"], result.AsObject().Select(p => p.Key).Order());
        Assert.Equal("cannot-log-out", (string?)result["matches"]![0]!["id"]);
    }

    [Fact]
    public async Task The_faq_lists_every_entry_by_category_in_faq_order()
    {
        var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(model.TrainingData);
        using var client = await host.CreateReadyClientAsync();

        var faq = JsonNode.Parse(await client.GetStringAsync("/api/v1/faq"))!.AsArray();

        Assert.Equal(knowledgeBase.Categories, faq.Select(c => (string?)c!["category"]));
        var entries = faq.SelectMany(c => c!["entries"]!.AsArray()).Select(e => e!.AsObject()).ToList();
        Assert.Equal(knowledgeBase.Entries.Select(e => e.Id), entries.Select(e => (string?)e["id"]));
        Assert.All(entries, e => Assert.Equal(["id", "question", "related"], e.Select(p => p.Key).Order()));
        var keyHash = entries.Single(e => (string?)e["id"] == "android-keyhash-mismatch");
        Assert.Equal(knowledgeBase.Find("android-keyhash-mismatch")!.Question, (string?)keyHash["question"]);
    }

    [Fact]
    public async Task An_faq_entry_comes_with_its_answer()
    {
        using var client = await host.CreateReadyClientAsync();

        var entry = JsonNode.Parse(await client.GetStringAsync("/api/v1/faq/android-keyhash-mismatch"))!;

        Assert.Equal("android-keyhash-mismatch", (string?)entry["id"]);
        Assert.StartsWith("This error occurs when the key hash value", (string?)entry["answer"]);
        Assert.False(string.IsNullOrEmpty((string?)entry["question"]));
        Assert.NotNull(entry["related"]);
    }

    [Fact]
    public async Task An_unknown_faq_entry_is_a_404_problem()
    {
        using var client = await host.CreateReadyClientAsync();

        using var response = await client.GetAsync("/api/v1/faq/no-such-entry");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_rest_api()
    {
        using var client = host.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/answers", paths);
        Assert.Contains("/api/v1/faq", paths);
        Assert.Contains("/api/v1/faq/{id}", paths);
        Assert.NotNull(document["paths"]!["/api/v1/answers"]!["post"]!["requestBody"]);
    }

    private static async Task<JsonNode> PostAnswersAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/answers", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
