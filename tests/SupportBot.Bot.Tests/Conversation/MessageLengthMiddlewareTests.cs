using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Conversation;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Insights;
using static SupportBot.Bot.Tests.Dialogs.ConversationAssertions;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests.Conversation;

/// <summary>A message longer than Bot:MaxMessageLength is cut before the transcript, the state and the question log see it, and the user is told.</summary>
[Collection(BotCollection.Name)]
public sealed class MessageLengthMiddlewareTests(BotFixture fixture)
{
    private const int MaxLength = MessageLengthMiddleware.DefaultMaxLength;

    private readonly MemoryTranscriptStore _transcripts = new();
    private readonly MemoryQuestionInsights _insights = new();
    private readonly MemoryStorage _state = new();

    private TestFlow Flow(string conversation)
    {
        var adapter = BotFixture.CreateAdapter(conversation)
            .Use(new MessageLengthMiddleware(MaxLength))
            .Use(new TranscriptLoggerMiddleware(_transcripts));
        return new TestFlow(adapter, fixture.CreateBot(storage: _state, transcripts: _transcripts, insights: _insights));
    }

    private static string Repeat(string sentence, int atLeast) =>
        string.Concat(Enumerable.Repeat(sentence, (atLeast / sentence.Length) + 1));

    [Fact]
    public async Task A_long_message_is_cut_the_user_is_told_and_the_start_is_still_answered()
    {
        var message = Repeat("keyhash mismatch android. ", 60_000);

        await Flow("long")
            .Send(message)
            .AssertReply(TextIs(BotTexts.Format(BotTexts.English.MessageCut, MaxLength)))
            .AssertReply(a => Assert.Contains(fixture.KnowledgeBase.Find("android-keyhash-mismatch")!.Answer, a.Text(), StringComparison.Ordinal))
            .StartTestAsync();

        var question = Assert.Single(await _insights.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10));
        Assert.InRange(question.Text.Length, 1, MaxLength);
        Assert.StartsWith(question.Text, message, StringComparison.Ordinal);
        Assert.Equal("android-keyhash-mismatch", question.EntryId);
    }

    [Fact]
    public async Task The_transcript_never_holds_more_of_a_message_than_the_limit()
    {
        var message = Repeat("I want to talk to a person about my login problem. ", 100_000);

        await Flow("stored")
            .Send(message)
            .AssertReply(TextIs(BotTexts.Format(BotTexts.English.MessageCut, MaxLength)))
            .StartTestAsync();

        var logged = await _transcripts.GetTranscriptActivitiesAsync(Microsoft.Bot.Connector.Channels.Test, "stored");
        var fromUser = logged.Items.OfType<IMessageActivity>().Where(a => a.From.Id != "bot").ToList();
        Assert.NotEmpty(fromUser);
        Assert.All(fromUser, a => Assert.InRange(a.Text.Length, 1, MaxLength));
        Assert.All(logged.Items, a => Assert.DoesNotContain(message[..(MaxLength + 1)], Newtonsoft.Json.JsonConvert.SerializeObject(a), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_long_korean_message_is_told_in_korean()
    {
        var message = Repeat("안드로이드 키해시 오류가 나요. ", 10_000);

        await Flow("korean-long")
            .Send(message)
            .AssertReply(TextIs(BotTexts.Format(BotTexts.Korean.MessageCut, MaxLength)))
            .StartTestAsync();
    }

    [Fact]
    public async Task A_message_at_the_limit_is_neither_cut_nor_remarked_on()
    {
        var message = "keyhash mismatch android" + new string(' ', MaxLength - 30) + "help!";
        Assert.True(message.Length <= MaxLength);

        await Flow("at-limit")
            .Send(message)
            .AssertReply(a => Assert.NotEqual(BotTexts.Format(BotTexts.English.MessageCut, MaxLength), a.Text()))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("😀")]           // a surrogate pair
    [InlineData("e\u0301")]      // a letter and a combining accent
    [InlineData("👩‍💻")]         // an emoji sequence joined by ZWJ
    [InlineData("한")]
    public void A_cut_never_splits_a_character(string element)
    {
        var text = new string('a', MaxLength - 1) + element + "tail";

        var cut = MessageLengthMiddleware.Cut(text, MaxLength);

        Assert.Equal(new string('a', MaxLength - 1) + (element.Length == 1 ? element : string.Empty), cut);
    }

    [Fact]
    public void A_single_character_longer_than_the_limit_is_cut_between_code_points()
    {
        var text = "e" + string.Concat(Enumerable.Repeat("\u0301", 10)) + "😀";

        var cut = MessageLengthMiddleware.Cut(text, 12);

        Assert.Equal(11, cut.Length);
        Assert.False(char.IsHighSurrogate(cut[^1]));
    }
}
