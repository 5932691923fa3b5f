namespace SupportBot.Core.Knowledge;

/// <summary>The training data is invalid; the message names the file and the entry or utterance at fault.</summary>
public sealed class KnowledgeBaseException(string message, Exception? inner = null) : Exception(message, inner);
