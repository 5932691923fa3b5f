using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Testing;
using SupportBot.Web.Channels.Kakao;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>The skill on PostgreSQL: the conversation carries across calls (and replicas, through the database), and a database that is away answers "try again", never a timeout.</summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class KakaoStorageTests(TrainedModelFixture model)
{
    [Fact]
    public async Task On_postgresql_a_second_replica_continues_the_platform_question_the_first_asked_and_both_turns_are_in_the_transcript()
    {
        await using var database = await PostgreSqlServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>(KakaoSkill.Settings())
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = database.ConnectionString,
        };
        await using var first = SupportBotFactory.WithSettings(model, settings);
        await using var second = SupportBotFactory.WithSettings(model, settings);
        using var firstClient = await first.CreateReadyClientAsync();
        using var secondClient = await second.CreateReadyClientAsync();
        var user = KakaoSkill.NewUserKey();

        var asked = await KakaoSkill.AskAsync(firstClient, KakaoSkill.Request("로그인할 때 카카오톡 대신 카카오계정 로그인 화면이 떠요", user));
        var answered = await KakaoSkill.AskAsync(secondClient, KakaoSkill.Request("iOS", user));

        Assert.Equal([BotTexts.Korean.PlatformQuestion], KakaoSkill.Texts(asked));
        Assert.Contains(BotTexts.Format(BotTexts.Korean.PlatformAnswerIntro, "iOS"), KakaoSkill.Texts(answered)[0], StringComparison.Ordinal);
        var transcripts = second.Services.GetRequiredService<ITranscriptStore>();
        var conversationId = KakaoSkillChannel.ConversationId(KakaoSkill.BotId, user);
        await Eventually.UntilAsync(
            async () => (await transcripts.GetTranscriptActivitiesAsync(KakaoSkillChannel.ChannelId, conversationId)).Items
                .Count(a => a.Type == ActivityTypes.Message && a.From?.Id == user) == 2,
            "both of the user's messages in the PostgreSQL transcript");
    }

    [Fact]
    public async Task With_the_database_unreachable_the_skill_answers_a_short_korean_try_again_within_the_turn_timeout()
    {
        // Nothing listens on port 1 of loopback: the same socket error as a stopped server.
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Database = "supportbot", Username = "supportbot", Timeout = 2 }.ToString();
        var settings = new Dictionary<string, string?>(KakaoSkill.Settings())
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = unreachable,
            ["Kakao:TurnTimeout"] = "00:00:01",
        };
        await using var host = SupportBotFactory.WithSettings(model, settings);
        using var client = host.CreateClient();

        using var response = await KakaoSkill.PostAsync(client, KakaoSkill.Request("안드로이드 키해시 오류가 나요", KakaoSkill.NewUserKey()));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!.AsObject();
        KakaoLimits.AssertWithin(json);
        Assert.Equal([KakaoSkillChannel.TryAgainText], KakaoSkill.Texts(json));
    }
}
