using Microsoft.Bot.Builder;

namespace SupportBot.Web.Tests.Storage;

/// <summary>A typed item with an ETag, as a dialog or a ticket draft would store it.</summary>
public sealed class SupportCase : IStoreItem
{
    public string Id { get; set; } = string.Empty;

    public string Topic { get; set; } = string.Empty;

    public int Attempts { get; set; }

    public CaseStatus Status { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>Looks like a date but is text: it must come back as the same text.</summary>
    public string Reference { get; set; } = string.Empty;

    public List<string> Platforms { get; set; } = [];

    public Dictionary<string, int> Votes { get; set; } = [];

    public SupportCase? Related { get; set; }

    public string? ETag { get; set; }
}

/// <summary>An enum in stored state: must come back as the same member.</summary>
public enum CaseStatus
{
    Open,
    WaitingForUser,
    HandedOff,
}

/// <summary>A typed item without an ETag: always last writer wins.</summary>
public sealed class VisitorNote
{
    public string Text { get; set; } = string.Empty;

    public int Count { get; set; }
}
