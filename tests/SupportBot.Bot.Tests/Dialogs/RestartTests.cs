using Microsoft.Bot.Builder.Adapters;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Storage;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;
using SupportBot.Testing;
using SupportBot.Web.Storage.Sqlite;

namespace SupportBot.Bot.Tests.Dialogs;

[Collection(BotCollection.Name)]
public sealed class RestartTests(BotFixture fixture) : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_dialog_in_progress_survives_a_new_adapter_and_bot_over_the_same_sqlite_file()
    {
        await new TestFlow(BotFixture.CreateAdapter("restart"), fixture.CreateBot(new SqliteStorage(_database.Path)))
            .Send("the kakao account login page shows up instead of kakaotalk")
            .AssertReply(TextIs(BotTexts.English.PlatformQuestion))
            .StartTestAsync();

        // As after a restart of the host: nothing survives but the file.
        TemporaryDatabase.CloseAllConnections();

        await new TestFlow(BotFixture.CreateAdapter("restart"), fixture.CreateBot(new SqliteStorage(_database.Path)))
            .Send("android")
            .AssertReply(TextStartsWith("For Android:"))
            .AssertReply(TextIs(BotTexts.English.FeedbackQuestion))
            .StartTestAsync();
    }
}
