using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace SupportBot.Bot.Handoffs;

/// <summary>
/// The Bot Framework handoff protocol's <c>handoff.status</c> event, which follows
/// <c>handoff.initiate</c>: <c>{"state": "accepted" | "completed" | "failed", "message": ...}</c>.
/// </summary>
public static class HandoffStatusEvent
{
    public const string Accepted = "accepted";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static Activity Create(string state, string? message = null) => new()
    {
        Type = ActivityTypes.Event,
        Name = HandoffEventNames.HandoffStatus,
        Value = new JObject { ["state"] = state, ["message"] = message },
    };
}
