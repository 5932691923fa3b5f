using System.Net;
using SupportBot.Web.Tests.Http;

namespace SupportBot.Web.Tests.WebChat;

/// <summary>The chat pages and the Web Chat bundle as the host serves them, and as publish carries them.</summary>
[Collection(WebHostCollection.Name)]
public sealed class WebChatAssetsTests(TrainedModelFixture model, SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    [Fact]
    public void The_Web_Chat_bundle_is_a_static_web_asset_so_a_published_host_serves_it()
    {
        // Copied from npm during the build: on a clean clone it did not exist when wwwroot was globbed.
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "SupportBot.Web.staticwebassets.endpoints.json"));

        Assert.Contains("\"lib/webchat/webchat.js\"", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chat_page_may_be_framed_only_by_the_host_and_allowed_origins_and_other_pages_not_at_all()
    {
        await using var allowing = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["WebChat:AllowedOrigins:0"] = "https://help.example.com",
        });
        using var client = allowing.CreateClient();

        using var page = await client.GetAsync("/");
        using var demo = await client.GetAsync("/demo/helpdesk.html");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/lib/webchat/webchat.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("'self' https://help.example.com", ContentSecurityPolicy.Of(page)["frame-ancestors"]);
        Assert.Equal("'none'", ContentSecurityPolicy.Of(demo)["frame-ancestors"]);
    }

    [Fact]
    public async Task The_bundle_is_cached_for_a_day_and_pages_are_revalidated()
    {
        using var client = host.CreateClient();

        using var bundle = await client.GetAsync("/lib/webchat/webchat.js");
        using var embed = await client.GetAsync("/embed.js");

        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("public, max-age=86400", bundle.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, embed.StatusCode);
        Assert.True(embed.Headers.CacheControl?.NoCache);
    }
}
