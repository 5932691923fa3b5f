namespace SupportBot.Web.Tests.Kakao;

/// <summary>A host whose <c>Kakao:BotIds</c> lists the fixtures' bot and whose skill has a secret; its client is ready (model loaded).</summary>
public sealed class KakaoSkillHost(TrainedModelFixture model) : IAsyncLifetime
{
    public SupportBotFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = SupportBotFactory.WithSettings(model, KakaoSkill.Settings());
        Client = await Factory.CreateReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
