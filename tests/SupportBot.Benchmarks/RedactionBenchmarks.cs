using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Privacy;

namespace SupportBot.Benchmarks;

/// <summary>What <c>Privacy:Redact</c> adds to a turn: masking one user message (each write path masks it once), and the cost when it is off.</summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private const string Question = "카카오 로그인 할 때 키 해시가 일치하지 않아요. KOE006 에러가 나고 SDK 2.20.6 을 써요";

    private const string WithValues = "로그인이 안 돼요. ana.lee@example.com 이나 010-1234-5678 로 연락 주세요, REST API 키는 0f1e2d3c4b5a69788796a5b4c3d2e1f0 입니다";

    // A pasted log near Bot:MaxMessageLength (4000 characters), with one token in it.
    private static readonly string Pasted = string.Concat(Enumerable.Repeat("E/KakaoSDK: request failed (KOE320) at com.kakao.sdk.auth.AuthApiClient.issueAccessToken(AuthApiClient.kt:112)\n", 35))
        + "access_token=9Fv8ZqkCYI-hwAnqNBQpWpg0bGyf3w3t0ch1Pgo9dJkAAAF-pWr_5w";

    private readonly TextRedactor _off = new(Options.Create(new RedactionOptions()));

    [Benchmark(Baseline = true, Description = "Redact off: a question")]
    public string? Off() => _off.Redact(WithValues);

    [Benchmark(Description = "Mask: a question with nothing to mask")]
    public string Plain() => TextRedactor.Mask(Question);

    [Benchmark(Description = "Mask: an email, a phone number and an app key")]
    public string Values() => TextRedactor.Mask(WithValues);

    [Benchmark(Description = "Mask: a pasted 4000-character log")]
    public string Log() => TextRedactor.Mask(Pasted);
}
