using Microsoft.Extensions.Options;
using SupportBot.Bot.Privacy;
using SupportBot.Core.Knowledge;

namespace SupportBot.Bot.Tests.Privacy;

/// <summary>The redactor's table: what is masked (emails, phone numbers, Kakao tokens and app keys), what is not (words, entry ids, error codes, dates, versions, ticket numbers).</summary>
public sealed class TextRedactorTests
{
    // A Kakao access token's shape (54 characters of base64url), an authorization code's (86), an app key's (32 hex).
    private const string AccessToken = "9Fv8ZqkCYI-hwAnqNBQpWpg0bGyf3w3t0ch1Pgo9dJkAAAF-pWr_5w";
    private const string AuthorizationCode = "vTrG0nUz1ZzQB5Ym5LlmgM2aJ9xKq_8wPcR3tYbN7eHdFs-4uVi6oLk0jWmX2zQaC1yBn5rTgE9hUf3sDpK7lOc";
    private const string AppKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    public static TheoryData<string, string> Masked => new()
    {
        { "제 이메일은 ana.lee@example.com 입니다", "제 이메일은 [email] 입니다" },
        { "메일은ana_lee+kakao@mail.example.co.kr이고 답장 주세요", "메일은[email]이고 답장 주세요" },
        { "010-1234-5678로 연락 주세요", "[phone]로 연락 주세요" },
        { "번호 01012345678 입니다", "번호 [phone] 입니다" },
        { "010 1234 5678, 011.234.5678", "[phone], [phone]" },
        { "사무실 02-123-4567 또는 031-1234-5678", "사무실 [phone] 또는 [phone]" },
        { "(02) 123-4567", "[phone]" },
        { "+82 10 1234 5678 (해외)", "[phone] (해외)" },
        { "+82-10-1234-5678", "[phone]" },
        { "call +1 415 555 2671 or +44 20 7946 0958", "call [phone] or [phone]" },
        { "US office (415) 555-2671, 415-555-2671", "US office [phone], [phone]" },
        { $"REST API 키 {AppKey} 를 넣었어요", "REST API 키 [token] 를 넣었어요" },
        { $"액세스 토큰: {AccessToken}", "액세스 토큰: [token]" },
        { $"Authorization: Bearer {AccessToken}", "Authorization: Bearer [token]" },
        { $"Authorization: KakaoAK {AppKey}", "Authorization: KakaoAK [token]" },
        { $"redirect?code={AuthorizationCode}&state=x", "redirect?code=[token]&state=x" },
        { $$"""{"refresh_token":"{{AccessToken}}","expires_in":5183999}""", """{"refresh_token":"[token]","expires_in":5183999}""" },
        { "id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz 가 이상해요", "id_token [token] 가 이상해요" },
        { $"ana@example.com / 010-1234-5678 / {AppKey} 로 로그인이 안 돼요", "[email] / [phone] / [token] 로 로그인이 안 돼요" },
    };

    public static TheoryData<string> NotMasked => new()
    {
        "카카오 로그인 할 때 키 해시가 일치하지 않아요",
        "KOE006 에러가 나요",
        "error_code: KOE320, code: -401",
        "android-keyhash-mismatch",
        "ios-ko-appkey-unrecognized-selector",
        "2024-12-07 부터 안 돼요",
        "2024.12.07, 12/07/2024, 2024년 12월 7일",
        "Kakao SDK v2.20.6 on Android 14, iOS 17.2.1",
        "티켓 SB-000123 진행 상황이 궁금해요",
        "https://developers.kakao.com/docs/latest/ko/kakaologin/common",
        "redirect_uri=https://example.com/oauth&response_type=code",
        "앱 ID 123456, 대표번호 1577-3754",
        "키 해시 Xo8WBi6jzSxKDVR4drqm84yr9iU= 등록했어요",
        "192.168.0.1 에서 호출합니다",
    };

    [Theory]
    [MemberData(nameof(Masked))]
    public void Personal_values_are_masked_and_the_words_around_them_kept(string text, string expected) =>
        Assert.Equal(expected, On().Redact(text));

    [Theory]
    [MemberData(nameof(NotMasked))]
    public void Words_entry_ids_error_codes_dates_versions_and_ticket_numbers_are_not_masked(string text) =>
        Assert.Equal(text, On().Redact(text));

    [Fact]
    public void Nothing_in_the_knowledge_base_or_the_training_utterances_but_an_email_address_is_masked()
    {
        var data = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(data);
        var texts = knowledgeBase.Entries.SelectMany(e => new[] { e.Question, e.Answer })
            .Concat(TrainingDataLoader.LoadTraining(data, knowledgeBase).Select(u => u.Text))
            .ToList();

        // Kakao's answers name a support address, and users quote it: that is an email, rightly masked.
        var masked = texts.Select(TextRedactor.Mask).Where(t => t.Contains('[', StringComparison.Ordinal)).ToList();
        var wrong = masked.Where(t => t.Contains(TextRedactor.Phone, StringComparison.Ordinal) || t.Contains(TextRedactor.Token, StringComparison.Ordinal) || t.Contains(TextRedactor.Unreadable, StringComparison.Ordinal)).ToList();

        Assert.True(texts.Count > 100, $"only {texts.Count} texts read");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.All(texts.Where(t => !t.Contains('@', StringComparison.Ordinal)), t => Assert.Equal(t, TextRedactor.Mask(t)));
    }

    [Fact]
    public void Off_by_default_the_text_comes_back_as_it_was()
    {
        var text = "ana@example.com 010-1234-5678";

        Assert.Same(text, new TextRedactor(Options.Create(new RedactionOptions())).Redact(text));
        Assert.Null(On().Redact(null));
    }

    [Fact]
    public void A_huge_message_is_masked_or_dropped_whole_never_kept_unmasked_and_never_throws()
    {
        // Runs that look like the start of every pattern (local parts, hex, token characters) for a megabyte.
        var filler = string.Concat(Enumerable.Repeat("a.b-c_d0+", 120_000));
        var text = $"{filler} ana@example.com {filler}1";

        var redacted = On().Redact(text);

        Assert.DoesNotContain("ana@example.com", redacted, StringComparison.Ordinal);
        Assert.True(redacted == TextRedactor.Unreadable || redacted.Contains(TextRedactor.Email, StringComparison.Ordinal));
    }

    private static TextRedactor On() => new(Options.Create(new RedactionOptions { Redact = true }));
}
