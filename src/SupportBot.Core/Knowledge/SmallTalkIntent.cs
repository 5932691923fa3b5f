namespace SupportBot.Core.Knowledge;

/// <summary>A conversational intent that is not an FAQ entry (greeting, thanks, ...) and the bot's reply to it.</summary>
public sealed record SmallTalkIntent(string Id, string Reply);
