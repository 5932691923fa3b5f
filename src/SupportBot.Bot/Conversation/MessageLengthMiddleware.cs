using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Conversation;

/// <summary>
/// Cuts a message's text to <c>Bot:MaxMessageLength</c> characters before anything reads or keeps
/// it: the transcript, the state, the classifier and the question log only ever see the start. A
/// help-desk question fits in a few hundred characters; without a cap, the 256 KB request body
/// limit was the only one, and every store kept whatever a client sent.
/// </summary>
/// <remarks>
/// Registered before the transcript middleware. The bot tells the user it only read the start
/// (<see cref="CutTo"/>), in the conversation's language, and answers that start.
/// </remarks>
public sealed class MessageLengthMiddleware : IMiddleware
{
    public const int DefaultMaxLength = 4_000;

    private const string CutKey = "SupportBot.MessageCutTo";

    private readonly int _maxLength;

    public MessageLengthMiddleware(int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _maxLength = maxLength;
    }

    /// <summary>The length the turn's message was cut to, or null when it was not cut.</summary>
    public static int? CutTo(ITurnContext turnContext) =>
        turnContext.TurnState.TryGetValue(CutKey, out var value) && value is int length ? length : null;

    /// <summary>
    /// The longest start of <paramref name="text"/> of at most <paramref name="maxLength"/> UTF-16
    /// code units that ends between two text elements, so no emoji, surrogate pair or accented
    /// letter is split (a text element longer than the cap is cut between code points instead).
    /// </summary>
    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var end = 0;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text, end);
            if (next > maxLength)
            {
                break;
            }

            end = next;
        }

        if (end == 0)
        {
            end = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        }

        return text[..end];
    }

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.Type == ActivityTypes.Message && activity.Text is { } text && text.Length > _maxLength)
        {
            activity.Text = Cut(text, _maxLength);
            turnContext.TurnState[CutKey] = _maxLength;
        }

        await next(cancellationToken);
    }
}
