using System.Text.Json.Serialization;

namespace SupportBot.Core.Answers;

/// <summary>
/// The answers contract shared by <c>supportbot ask</c> and <c>POST /api/v1/answers</c>
/// (see the architecture doc): <c>answered</c> is false exactly when the bot would fall back.
/// <c>locale</c> and <c>notice</c> are there only when the question came with a locale: the
/// language it was taken as, and, when that is not English, the line to show before an answer
/// (answers are the FAQ's own English text).
/// </summary>
public sealed record AnswerResult(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("answered")] bool Answered,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("matches")] IReadOnlyList<AnswerMatch> Matches,
    [property: JsonPropertyName("locale"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Locale = null,
    [property: JsonPropertyName("notice"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Notice = null);

/// <summary>One ranked FAQ entry: <c>question</c> is the canonical FAQ question, <c>score</c> its probability.</summary>
public sealed record AnswerMatch(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("answer")] string Answer);
