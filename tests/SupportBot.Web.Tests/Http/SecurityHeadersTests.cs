using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Web.Tests.Admin;

namespace SupportBot.Web.Tests.Http;

/// <summary>Every page's Content-Security-Policy, nosniff and Referrer-Policy; no page with an inline script; the demo page's ?bot=.</summary>
[Collection(WebHostCollection.Name)]
public sealed partial class SecurityHeadersTests(TrainedModelFixture model)
{
    private const string AllowedSite = "https://help.example.com";

    [Fact]
    public async Task Every_page_and_error_runs_only_the_hosts_own_scripts_and_sends_nosniff_and_no_referrer()
    {
        await using var host = SupportBotFactory.WithSettings(model, AdminSession.Settings);
        using var admin = await AdminSession.SignInAsync(host);
        using var anonymous = host.CreateClient();

        var responses = new List<(string What, HttpResponseMessage Response)>();
        foreach (var path in new[] { "/", "/index.html", "/embed.js", "/demo/helpdesk.html", "/admin/signin", "/admin", "/no-such-page", "/healthz" })
        {
            responses.Add((path, await anonymous.GetAsync(path)));
        }

        responses.Add(("/admin signed in", await admin.Client.GetAsync("/admin")));
        responses.Add(("POST /admin/signin without a token", await admin.PostSignInAsync("wrong password", withToken: false)));
        responses.Add(("POST /admin/signin with a wrong password", await new AdminSession(AdminSession.CreateClient(host)).PostSignInAsync("wrong password")));
        try
        {
            foreach (var (what, response) in responses)
            {
                var policy = ContentSecurityPolicy.Of(response);
                Assert.True(policy["script-src"] == "'self'", $"{what}: script-src {policy.GetValueOrDefault("script-src")}");
                Assert.True(policy["object-src"] == "'none'", $"{what}: object-src");
                Assert.True(policy["base-uri"] == "'none'", $"{what}: base-uri");
                Assert.Equal("'self'", policy["default-src"]);
                Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
                Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
            }

            Assert.Contains(responses, r => r.What == "/admin signed in" && r.Response.StatusCode == HttpStatusCode.OK);
            Assert.Contains(responses, r => r.What == "POST /admin/signin with a wrong password" && r.Response.StatusCode == HttpStatusCode.Unauthorized);
        }
        finally
        {
            responses.ForEach(r => r.Response.Dispose());
        }
    }

    [Fact]
    public async Task No_page_has_an_inline_script_or_event_handler_attribute()
    {
        await using var host = SupportBotFactory.WithSettings(model, AdminSession.Settings);
        using var admin = await AdminSession.SignInAsync(host);
        var pages = new Dictionary<string, string>
        {
            ["/admin"] = await admin.Client.GetStringAsync("/admin"),
            ["/admin/signin"] = await host.CreateClient().GetStringAsync("/admin/signin"),
            ["/admin/conversations"] = await admin.Client.GetStringAsync("/admin/conversations?text=x&from=2026-01-01&to=2026-01-31"),
        };
        var wwwroot = Repository.PathOf("src", "SupportBot.Web", "wwwroot");
        foreach (var file in Directory.EnumerateFiles(wwwroot, "*.html", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            pages[Path.GetRelativePath(wwwroot, file)] = await File.ReadAllTextAsync(file);
        }

        Assert.Contains(pages.Keys, p => p.EndsWith("helpdesk.html", StringComparison.Ordinal));
        foreach (var (page, html) in pages)
        {
            Assert.True(ScriptTag().Matches(html).All(tag => tag.Groups["attributes"].Value.Contains("src=", StringComparison.Ordinal)), $"{page} has an inline <script>");
            Assert.False(EventHandler().IsMatch(html), $"{page} has an on...= attribute");
            Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("data:text/javascript,document.title='pwned';//")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://evil.example")]
    [InlineData("//evil.example")]
    [InlineData("not a url")]
    public async Task The_demo_page_is_not_served_for_a_bot_that_is_not_an_http_address_of_this_host_or_an_allowed_origin(string bot)
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["WebChat:AllowedOrigins:0"] = AllowedSite });
        using var client = host.CreateClient();

        using var response = await client.GetAsync($"/demo/helpdesk.html?bot={Uri.EscapeDataString(bot)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("WebChat:AllowedOrigins", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://localhost")]
    [InlineData(AllowedSite + "/")]
    public async Task The_demo_page_is_served_without_a_bot_or_for_this_host_or_an_allowed_origin(string? bot)
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?> { ["WebChat:AllowedOrigins:0"] = AllowedSite });
        using var client = host.CreateClient();

        using var response = await client.GetAsync(bot is null ? "/demo/helpdesk.html" : $"/demo/helpdesk.html?bot={Uri.EscapeDataString(bot)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<script src=\"helpdesk.js\"></script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Web_chat_may_connect_to_the_public_address_and_in_azure_mode_to_azures_direct_line()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>
        {
            ["DirectLine:PublicBaseUrl"] = "https://bot.example.com/support/",
            ["DirectLine:Mode"] = "Azure",
            ["DirectLine:AzureSecret"] = "azure-direct-line-secret-for-the-policy-test",
        });
        using var client = host.CreateClient();

        using var page = await client.GetAsync("/");

        Assert.Equal(
            "'self' https://bot.example.com wss://bot.example.com https://directline.botframework.com wss://directline.botframework.com",
            ContentSecurityPolicy.Of(page)["connect-src"]);
    }

    [GeneratedRegex(@"<script(?<attributes>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();
}

/// <summary>A response's Content-Security-Policy, directive by directive.</summary>
public static class ContentSecurityPolicy
{
    public static Dictionary<string, string> Of(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(directive => directive.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : string.Empty);
}
