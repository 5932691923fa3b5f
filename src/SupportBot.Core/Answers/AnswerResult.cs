using System.Text.Json.Serialization;

namespace SupportBot.Core.Answers;

/// <summary>
/// The answers contract shared by <c>supportbot ask</c> and <c>POST /api/v1/answers</c>
/// (see the architecture doc): <c>answered</c> is false exactly when the bot would fall back.
/// </summary>
public sealed record AnswerResult(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("answered")] bool Answered,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("matches")] IReadOnlyList<AnswerMatch> Matches);

/// <summary>One ranked FAQ entry: <c>question</c> is the canonical FAQ question, <c>score</c> its probability.</summary>
public sealed record AnswerMatch(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("answer")] string Answer);
