using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SupportBot.Bot.Tickets;

/// <summary>
/// The one flattened ticket on the wire: the help-desk API's tickets and the webhook's <c>ticket</c>.
/// One ticket read by number comes with its question log and transcript, a list and the webhook without.
/// </summary>
public sealed record TicketView(
    string Number,
    string Status,
    string? Assignee,
    string Email,
    string? Summary,
    string Reason,
    string ChannelId,
    string ConversationId,
    string? UserId,
    string? UserName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TicketQuestion>? Questions = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TranscriptLine>? Transcript = null)
{
    public static TicketView From(Ticket ticket, IReadOnlyList<TranscriptLine>? transcript = null) => new(
        ticket.Number,
        ticket.Status,
        ticket.Assignee,
        ticket.Email,
        ticket.Summary,
        ticket.Reason,
        ticket.Requester.ChannelId,
        ticket.Requester.ConversationId,
        ticket.Requester.UserId,
        ticket.Requester.UserName,
        ticket.CreatedAt,
        ticket.UpdatedAt,
        transcript is null ? null : ticket.Questions,
        transcript);

    /// <summary>
    /// Leaves the user's id and name out of a ticket's JSON: the webhook's ticket never had them (its
    /// body is signed and receivers parse it), while the API, behind its key, has always shown them.
    /// </summary>
    public static void WithoutUser(JsonTypeInfo type)
    {
        if (type.Type == typeof(TicketView))
        {
            var user = type.Properties.Where(p => p.AttributeProvider is PropertyInfo { Name: nameof(UserId) or nameof(UserName) }).ToList();
            user.ForEach(p => type.Properties.Remove(p));
        }
    }
}
