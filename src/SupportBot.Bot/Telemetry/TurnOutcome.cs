using Microsoft.Bot.Builder;

namespace SupportBot.Bot.Telemetry;

/// <summary>
/// What a turn did with the message, for the turn metrics: the dialogs mark it where they decide,
/// the last mark of a turn wins (a fallback that offers a person is a handoff).
/// </summary>
public static class TurnOutcome
{
    /// <summary>An FAQ answer was shown.</summary>
    public const string Answered = "answered";

    /// <summary>The bot asked back: "did you mean", or which platform.</summary>
    public const string Clarified = "clarified";

    /// <summary>The bot could not answer and said so.</summary>
    public const string Fallback = "fallback";

    /// <summary>A person was offered, or the steps to a ticket ran.</summary>
    public const string Handoff = "handoff";

    /// <summary>Greetings, thanks and other small talk.</summary>
    public const string SmallTalk = "smalltalk";

    /// <summary>Everything else: welcome, help, cancel, feedback, events.</summary>
    public const string Other = "other";

    /// <summary>The turn failed; the adapter's error handler answered.</summary>
    public const string Error = "error";

    private const string Key = "SupportBot.TurnOutcome";

    public static void Mark(ITurnContext turn, string outcome) => turn.TurnState[Key] = outcome;

    public static string Of(ITurnContext turn) => turn.TurnState.Get<string>(Key) ?? Other;
}
