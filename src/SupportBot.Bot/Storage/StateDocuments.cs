namespace SupportBot.Bot.Storage;

/// <summary>A state dictionary as a database store read it, with the document it was read from.</summary>
/// <remarks>The document is the read's, not kept up to date: the turn changes the dictionary in place, so only the loading side may compare against it.</remarks>
public sealed class LoadedState(IDictionary<string, object> entries, string document)
    : Dictionary<string, object>(entries, StringComparer.Ordinal)
{
    /// <summary>The stored document (without the ETag) these entries were read from.</summary>
    public string Document { get; } = document;
}

/// <summary>A state dictionary handed to a store together with its document, so that the store does not serialise it again.</summary>
public sealed class SerializedState : Dictionary<string, object>
{
    /// <summary>A copy of <paramref name="state"/> with <see cref="Document"/> made from it now.</summary>
    public SerializedState(IDictionary<string, object> state)
        : base(state, StringComparer.Ordinal)
    {
        Document = StateWrite.DocumentOf(this);
    }

    /// <summary>The document (without the ETag) a database store writes for these entries.</summary>
    public string Document { get; }
}
