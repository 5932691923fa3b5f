using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Insights;
using SupportBot.Web.Tests.DirectLine;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Channels;

/// <summary>Bot:MaxMessageLength end to end: a long message posted through the Direct Line is kept (history, transcript, question log) and classified only up to the limit.</summary>
[Collection(WebHostCollection.Name)]
public sealed class MessageLengthTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private const int MaxLength = 4_000;

    [Fact]
    public async Task A_100k_character_message_is_stored_in_the_direct_line_history_the_transcript_and_the_question_log_cut_to_4000_and_the_user_is_told()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        var message = string.Concat(Enumerable.Repeat("keyhash mismatch android 😀 ", 4_000));
        Assert.True(message.Length >= 100_000);

        await calls.SayAsync(conversation, message);

        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        Assert.Contains(activities, a => a.IsBotMessage() && a.Text() == BotTexts.Format(BotTexts.English.MessageCut, MaxLength));
        var posted = Assert.Single(activities, a => a.Type() == "message" && a.FromRole() == "user");
        Assert.InRange(posted.Text()!.Length, 1, MaxLength);

        var insights = host.Services.GetRequiredService<IQuestionInsights>();
        var question = Assert.Single(
            await insights.ListAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), 100_000),
            q => q.ConversationId == conversation.Id);
        Assert.InRange(question.Text.Length, 1, MaxLength);
        Assert.StartsWith(question.Text, message, StringComparison.Ordinal);

        var transcripts = host.Services.GetRequiredService<ITranscriptStore>();
        List<IMessageActivity> fromUser = [];
        await Eventually.UntilAsync(
            async () =>
            {
                var logged = await transcripts.GetTranscriptActivitiesAsync("directline", conversation.Id);
                fromUser = logged.Items.OfType<IMessageActivity>().Where(a => a.From?.Role == RoleTypes.User && a.Type == ActivityTypes.Message).ToList();
                return fromUser.Count > 0;
            },
            "the user's message in the transcript");
        Assert.All(fromUser, a => Assert.InRange(a.Text.Length, 1, MaxLength));
    }
}
