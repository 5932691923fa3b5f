using BenchmarkDotNet.Attributes;
using SupportBot.Core.Answers;
using SupportBot.Core.Classification;

namespace SupportBot.Benchmarks;

/// <summary>The serving path: ranking one utterance, a mix of lengths, and a whole answer.</summary>
[MemoryDiagnoser]
public class RankingBenchmarks
{
    /// <summary>What people type, from two words to a pasted stack trace; each benchmark op ranks all of them.</summary>
    private static readonly string[] Mixed =
    [
        "logout",
        "hi",
        "keyhash mismatch android",
        "invalid redirect error kakao login",
        "how do i transfer app ownership to my colleague",
        "we are integrating kakao login into our backend and the token endpoint answers with an error code and a message we cannot make sense of, where is the list of error codes explained",
        "When I try to log in on iOS the app crashes with '+[NSBundle ko_appKey]: unrecognized selector sent to class 0x10f2c3a50' and I already added the SDK with CocoaPods, what am I missing",
        "Kakao Sync simple signup: after the user agrees to the terms the service terms are not shown in the consent screen and our backend never receives the agreed terms tags in the token response, " +
            "we checked the console settings twice and the app is a business app with the Kakao Sync service enabled, what else should we verify before contacting support",
    ];

    private const int MixedCount = 8;

    private const string OneUtterance = "keyhash mismatch android";

    private const string OneKoreanUtterance = "안드로이드 키해시 오류가 나요";

    private BenchmarkModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (Mixed.Length != MixedCount)
        {
            throw new InvalidOperationException($"{nameof(MixedCount)} must be {Mixed.Length}.");
        }

        _model = BenchmarkModel.LoadOrTrain();

        // The first call builds a prediction engine for the pool; the benchmarks measure the steady state.
        _model.Classifier.Rank(OneUtterance);
        _model.Classifier.Rank(OneKoreanUtterance);
    }

    [Benchmark(Baseline = true, Description = "Rank: one utterance")]
    public IntentRanking RankOne() => _model.Classifier.Rank(OneUtterance);

    [Benchmark(Description = "Rank: one Korean utterance")]
    public IntentRanking RankOneKorean() => _model.Classifier.Rank(OneKoreanUtterance);

    [Benchmark(OperationsPerInvoke = MixedCount, Description = "Rank: mix of 8 short..long utterances (per utterance)")]
    public float RankMixed()
    {
        var sum = 0f;
        foreach (var utterance in Mixed)
        {
            sum += _model.Classifier.Rank(utterance).Top.Probability;
        }

        return sum;
    }

    [Benchmark(Description = "AnswerService.Ask: one question, top 3")]
    public AnswerResult Ask() => _model.Answers.Ask(OneUtterance, top: 3);
}
