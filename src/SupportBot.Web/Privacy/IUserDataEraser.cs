namespace SupportBot.Web.Privacy;

/// <summary>Erases one user's personal data from every store of a provider (docs/privacy.md, "Erasure").</summary>
/// <remarks>
/// "That user's" conversations are those in the channel where the user spoke (a transcript
/// activity from them), started a Direct Line conversation, opened a ticket or asked for a person
/// (a live handoff). Their state, transcripts, Direct Line history, question log and handoff
/// activity logs go; their tickets keep number and status, their handoffs status, agent, times
/// and score (the dashboard's figures), and both lose everything else that tells who they were
/// or what they said. A second call finds nothing more.
/// </remarks>
public interface IUserDataEraser
{
    Task<UserErasure> EraseUserAsync(string channelId, string userId, CancellationToken cancellationToken = default);
}

/// <summary>What one erasure removed or anonymised, per kind of data (rows or activities).</summary>
/// <param name="Handoffs">Live handoffs' activities deleted plus handoffs anonymised.</param>
public sealed record UserErasure(int State, int Transcripts, int DirectLine, int Questions, int Tickets, int Handoffs = 0)
{
    public static readonly UserErasure Nothing = new(0, 0, 0, 0, 0, 0);

    /// <summary>The counts by kind, as the API answers and the log records them.</summary>
    public IReadOnlyDictionary<string, int> ByKind => new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["state"] = State,
        ["transcripts"] = Transcripts,
        ["directLine"] = DirectLine,
        ["questions"] = Questions,
        ["tickets"] = Tickets,
        ["handoffs"] = Handoffs,
    };

    public int Total => State + Transcripts + DirectLine + Questions + Tickets + Handoffs;
}

/// <summary>What every provider's eraser shares: the state keys of a user and their conversations, and what an anonymised ticket keeps.</summary>
public static class UserErasureRules
{
    /// <summary>What an anonymised ticket's email becomes (the column stays non-null).</summary>
    public const string ErasedEmail = "";

    /// <summary>What an anonymised handoff's conversation reference (which names the user) becomes.</summary>
    public const string ErasedConversationReference = "{}";

    /// <summary>The <c>IStorage</c> keys of a user's state and of their conversations' state (the SDK's key shapes).</summary>
    public static IReadOnlyList<string> StateKeys(string channelId, string userId, IEnumerable<string> conversationIds) =>
        [$"{channelId}/users/{userId}", .. conversationIds.Select(c => $"{channelId}/conversations/{c}")];
}
