using Microsoft.Bot.Builder;

namespace SupportBot.Bot;

/// <summary>The SupportBot: welcomes users, routes each message to an answer dialog and saves state once per turn.</summary>
public sealed class SupportBotActivityHandler(ConversationState conversationState, UserState userState) : ActivityHandler
{
    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, force: false, cancellationToken);
        await userState.SaveChangesAsync(turnContext, force: false, cancellationToken);
    }

    protected override Task OnMessageActivityAsync(ITurnContext<Microsoft.Bot.Schema.IMessageActivity> turnContext, CancellationToken cancellationToken) =>
        turnContext.SendActivityAsync("(placeholder until the dialogs land)", cancellationToken: cancellationToken);
}
