namespace SupportBot.Core.Knowledge;

/// <summary>An utterance with the intent it belongs to and the file it came from (for error messages and reports).</summary>
public sealed record LabeledUtterance(string Text, string Intent, string Source);
