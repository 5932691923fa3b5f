using System.ComponentModel.DataAnnotations;
using SupportBot.Bot.Conversation;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>The <c>Bot</c> section: what the bot accepts of a message, whatever the channel.</summary>
public sealed class BotOptions
{
    public const string Section = "Bot";

    /// <summary>
    /// The characters of a message the bot reads, classifies and stores (transcript, state,
    /// question log); the rest is cut off and the user told so. Well above any real question,
    /// far below the request body limit.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "use 1 to 100000 characters.")]
    public int MaxMessageLength { get; set; } = MessageLengthMiddleware.DefaultMaxLength;
}
