using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupportBot.Web.Tests.Channels;

/// <summary>
/// A stand-in for the channel (the Emulator's connector service): a real HTTP server on loopback
/// that records the activities the bot posts to its conversations and answers as a channel does.
/// </summary>
public sealed class ChannelListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<PostedActivity> _posted = new();

    private ChannelListener(WebApplication app) => _app = app;

    /// <summary>The address to give the bot as the activity's <c>serviceUrl</c>.</summary>
    public string ServiceUrl { get; private set; } = string.Empty;

    public IReadOnlyList<PostedActivity> Posted => [.. _posted];

    public static async Task<ChannelListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var listener = new ChannelListener(app);
        app.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", listener.RecordAsync);
        app.MapPost("/v3/conversations/{conversationId}/activities", listener.RecordAsync);
        await app.StartAsync();
        listener.ServiceUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return listener;
    }

    /// <summary>The messages (not typing indicators) the bot posted in a conversation.</summary>
    public IReadOnlyList<PostedActivity> MessagesIn(string conversationId) =>
        Posted.Where(p => p.ConversationId == conversationId && p.Type == "message").ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> RecordAsync(HttpContext context, string conversationId, string? activityId = null)
    {
        var activity = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        _posted.Enqueue(new PostedActivity(conversationId, activityId, context.Request.Path, activity));
        return Results.Json(new { id = Guid.NewGuid().ToString("N") });
    }
}

/// <summary>An activity the bot posted: to which conversation, in reply to which activity, and the activity itself.</summary>
public sealed record PostedActivity(string ConversationId, string? ReplyToId, string Path, JsonObject Activity)
{
    public string? Type => (string?)Activity["type"];

    public string? Text => (string?)Activity["text"];

    public override string ToString() => $"{Path}: {Activity.ToJsonString(new JsonSerializerOptions { WriteIndented = false })}";
}
