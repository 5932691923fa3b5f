using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;

namespace SupportBot.LoadTest;

/// <summary>
/// The baseline: the bare Bot Framework echo bot (CloudAdapter, MemoryStorage registered as in the
/// samples), hosted in its own process like SupportBot, so the two are measured alike.
/// </summary>
public static class EchoBotHost
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<BotFrameworkAuthentication, ConfigurationBotFrameworkAuthentication>();
        builder.Services.AddSingleton<IBotFrameworkHttpAdapter>(sp => new CloudAdapter(
            sp.GetRequiredService<BotFrameworkAuthentication>(), sp.GetRequiredService<ILogger<CloudAdapter>>()));
        builder.Services.AddSingleton<IStorage, MemoryStorage>();
        builder.Services.AddTransient<IBot, EchoBot>();

        var app = builder.Build();
        app.MapPost("/api/messages", (HttpRequest request, HttpResponse response, IBotFrameworkHttpAdapter adapter, IBot bot) =>
            adapter.ProcessAsync(request, response, bot));
        app.MapGet("/readyz", () => Results.Ok());
        await app.RunAsync();
    }

    // The Bot Framework EchoBot sample: no state touched, so the baseline is as fast as the SDK goes.
    private sealed class EchoBot : ActivityHandler
    {
        protected override Task OnMessageActivityAsync(ITurnContext<Microsoft.Bot.Schema.IMessageActivity> turnContext, CancellationToken cancellationToken) =>
            turnContext.SendActivityAsync($"Echo: {turnContext.Activity.Text}", cancellationToken: cancellationToken);
    }
}
