using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>Tickets as the handoff dialog would make them, to put straight into a host's store.</summary>
public static class TicketRequests
{
    public static NewTicket Handoff(
        string question = "keyhash mismatch android",
        string? entryId = "android-keyhash-mismatch",
        string? summary = null,
        string email = "dev@example.com") => new(
            email,
            summary,
            HandoffReason.Requested,
            new TicketRequester("emulator", $"conv-{Guid.NewGuid():N}", $"user-{Guid.NewGuid():N}", "User"),
            [new TicketQuestion(question, "answer", entryId, "not-helped")],
            [new TranscriptLine(DateTimeOffset.UtcNow, "user", "User", question)]);
}
