using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Web.Channels.Kakao;

namespace SupportBot.Web.Tests.Kakao;

/// <summary>When the skill answers at all: <c>Kakao:BotIds</c> by environment, the per-user limit, and <c>Bot:MaxMessageLength</c> as on every channel.</summary>
[Collection(WebHostCollection.Name)]
public sealed class KakaoSkillSwitchTests(TrainedModelFixture model)
{
    [Fact]
    public async Task Outside_development_without_bot_ids_the_skill_is_off_and_answers_404()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), environment: "Production");
        using var client = host.CreateClient();

        using var response = await KakaoSkill.PostAsync(client, KakaoSkill.Request("hello", KakaoSkill.NewUserKey()), secret: null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Outside_development_with_bot_ids_the_skill_answers_the_listed_bot()
    {
        await using var host = SupportBotFactory.WithSettings(model, KakaoSkill.Settings(), environment: "Production");
        using var client = await host.CreateReadyClientAsync();

        var response = await KakaoSkill.AskAsync(client, KakaoSkill.Request("도움말", KakaoSkill.NewUserKey()));

        Assert.Equal([BotTexts.Korean.Help], KakaoSkill.Texts(response));
    }

    [Fact]
    public async Task In_development_without_bot_ids_any_bot_id_may_call()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());
        using var client = await host.CreateReadyClientAsync();

        var response = await KakaoSkill.AskAsync(client, KakaoSkill.Request("도움말", KakaoSkill.NewUserKey(), botId: "any-open-builder-bot"), secret: null);

        Assert.Equal([BotTexts.Korean.Help], KakaoSkill.Texts(response));
    }

    [Fact]
    public async Task A_user_over_the_per_user_limit_gets_429_with_retry_after_while_another_user_is_answered()
    {
        var settings = KakaoSkill.Settings();
        settings["RateLimits:KakaoSkillPerUser:PermitLimit"] = "2";
        settings["RateLimits:KakaoSkillPerUser:Window"] = "00:10:00";
        await using var host = SupportBotFactory.WithSettings(model, settings);
        using var client = await host.CreateReadyClientAsync();
        var user = KakaoSkill.NewUserKey();

        await KakaoSkill.AskAsync(client, KakaoSkill.Request("도움말", user));
        await KakaoSkill.AskAsync(client, KakaoSkill.Request("도움말", user));
        using var refused = await KakaoSkill.PostAsync(client, KakaoSkill.Request("도움말", user));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        await KakaoSkill.AskAsync(client, KakaoSkill.Request("도움말", KakaoSkill.NewUserKey()));
    }

    [Fact]
    public async Task An_utterance_over_bot_max_message_length_is_cut_the_user_told_and_the_transcript_keeps_only_the_start()
    {
        var settings = KakaoSkill.Settings();
        settings["Bot:MaxMessageLength"] = "200";
        await using var host = SupportBotFactory.WithSettings(model, settings);
        using var client = await host.CreateReadyClientAsync();
        var user = KakaoSkill.NewUserKey();
        var utterance = string.Concat(Enumerable.Repeat("안드로이드 키해시 오류가 나요 ", 100));

        var response = await KakaoSkill.AskAsync(client, KakaoSkill.Request(utterance, user));

        Assert.StartsWith(BotTexts.Format(BotTexts.Korean.MessageCut, 200), KakaoSkill.Texts(response)[0], StringComparison.Ordinal);
        var transcripts = host.Services.GetRequiredService<ITranscriptStore>();
        var conversationId = KakaoSkillChannel.ConversationId(KakaoSkill.BotId, user);
        JsonNode? logged = null;
        await HelpDesk.Eventually.UntilAsync(
            async () =>
            {
                var items = (await transcripts.GetTranscriptActivitiesAsync(KakaoSkillChannel.ChannelId, conversationId)).Items;
                logged = items.Where(a => a.From?.Id == user).Select(a => JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(a))).FirstOrDefault();
                return logged is not null;
            },
            "the user's message in the transcript");
        Assert.InRange(((string)logged!["text"]!).Length, 1, 200);
    }
}
