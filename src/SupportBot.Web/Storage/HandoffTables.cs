using System.Data.Common;
using System.Text.Json;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;

namespace SupportBot.Web.Storage;

/// <summary>The handoff tables as every database store reads them: the same columns in the same order, the same JSON in the questions column.</summary>
public static class HandoffTables
{
    public const string Columns =
        "id, status, channel_id, conversation_id, user_id, user_name, language, conversation_reference, waiting_since, questions, agent, accepted_at, ended_at, end_reason, satisfaction";

    /// <summary>The statuses of an open handoff, at most one per conversation (a partial unique index).</summary>
    public const string Open = "status IN ('waiting', 'active')";

    /// <summary>The order of <see cref="IHandoffStore.ListAsync"/> for a status, ties broken by the order of queueing.</summary>
    public static string Order(string status) => status switch
    {
        HandoffStatus.Waiting => "waiting_since, seq",
        HandoffStatus.Active => "accepted_at, seq",
        HandoffStatus.Ended => "ended_at DESC, seq DESC",
        _ => throw new ArgumentException($"'{status}' is not a handoff status.", nameof(status)),
    };

    public static string SerializeQuestions(IReadOnlyList<TicketQuestion> questions) => JsonSerializer.Serialize(questions, TicketTables.Json);

    /// <summary>The handoff of the reader's current row (<see cref="Columns"/>), its times read by the provider's <paramref name="time"/>.</summary>
    public static Handoff Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : time(reader, i);
        return new Handoff(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            Text(4),
            Text(5),
            reader.GetString(6),
            reader.GetString(7),
            time(reader, 8),
            JsonSerializer.Deserialize<List<TicketQuestion>>(reader.GetString(9), TicketTables.Json) ?? [],
            Text(10),
            Time(11),
            Time(12),
            Text(13),
            reader.IsDBNull(14) ? null : Convert.ToInt32(reader.GetValue(14), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Why an accept updated no row, from the row as it is now (null: not found): the memory store's answers.</summary>
    public static HandoffChange RefusedAccept(Handoff? current, string agent) => current switch
    {
        null => new HandoffChange(HandoffChangeResult.NotFound, null),
        { Status: HandoffStatus.Active } when current.Agent != agent => new HandoffChange(HandoffChangeResult.HeldByAnother, current),
        _ => new HandoffChange(HandoffChangeResult.NotOpen, current),
    };

    /// <summary>Why an end updated no row: it has ended, or the agent named does not hold it.</summary>
    public static HandoffChange RefusedEnd(Handoff? current) => current switch
    {
        null => new HandoffChange(HandoffChangeResult.NotFound, null),
        { Status: HandoffStatus.Ended } => new HandoffChange(HandoffChangeResult.NotOpen, current),
        _ => new HandoffChange(HandoffChangeResult.HeldByAnother, current),
    };
}
