using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Tests.Dialogs;

/// <summary>Checks on the bot's replies that read like what a user sees.</summary>
public static class ConversationAssertions
{
    public static IReadOnlyList<string> Choices(this IActivity activity) =>
        ((IMessageActivity)activity).SuggestedActions?.Actions.Select(a => (string)a.Value).ToList() ?? [];

    public static string Text(this IActivity activity) => ((IMessageActivity)activity).Text ?? string.Empty;

    public static Action<IActivity> TextIs(string expected) => a => Assert.Equal(expected, a.Text());

    public static Action<IActivity> TextStartsWith(string expected) => a => Assert.StartsWith(expected, a.Text(), StringComparison.Ordinal);

    public static Action<IActivity> TextContains(string expected) => a => Assert.Contains(expected, a.Text(), StringComparison.Ordinal);
}
