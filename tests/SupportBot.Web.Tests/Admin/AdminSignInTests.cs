using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Web.Admin;

namespace SupportBot.Web.Tests.Admin;

/// <summary>The admin dashboard opens only to the admin password, never to a help desk's API key, and never with a default password.</summary>
[Collection(WebHostCollection.Name)]
public sealed class AdminSignInTests(TrainedModelFixture model)
{
    private const string HelpDeskKey = "hd-test-key-0123456789abcdef-0123456789";

    private SupportBotFactory Host(string? environment = null) => SupportBotFactory.WithSettings(
        model,
        new Dictionary<string, string?>(AdminSession.Settings) { ["HelpDesk:ApiKeys:0:Name"] = "help-desk", ["HelpDesk:ApiKeys:0:Key"] = HelpDeskKey },
        environment: environment);

    [Fact]
    public async Task The_dashboard_sends_a_signed_out_visitor_to_the_sign_in_page()
    {
        await using var host = Host();
        using var client = AdminSession.CreateClient(host);

        using var response = await client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_api_answers_a_signed_out_caller_with_a_401_problem()
    {
        await using var host = Host();
        using var client = AdminSession.CreateClient(host);

        using var response = await client.GetAsync("/admin/api/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("X-Api-Key", HelpDeskKey)]
    [InlineData("Authorization", "Bearer " + HelpDeskKey)]
    public async Task A_help_desk_api_key_opens_neither_the_dashboard_nor_its_api(string header, string value)
    {
        await using var host = Host();
        using var client = AdminSession.CreateClient(host);
        client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);

        using var tickets = await client.GetAsync("/api/v1/tickets");
        using var page = await client.GetAsync("/admin");
        using var api = await client.GetAsync("/admin/api/stats");

        Assert.Equal(HttpStatusCode.OK, tickets.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_401_page_and_no_session()
    {
        await using var host = Host();
        using var session = new AdminSession(AdminSession.CreateClient(host));

        using var response = await session.PostSignInAsync("not-the-password-at-all");
        using var api = await session.Client.GetAsync("/admin/api/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not the admin password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_past_the_limit_get_a_429_with_Retry_After_even_with_the_right_password()
    {
        await using var host = SupportBotFactory.WithSettings(
            model,
            new Dictionary<string, string?>(AdminSession.Settings) { ["RateLimits:AdminSignIn:PermitLimit"] = "3", ["RateLimits:AdminSignIn:Window"] = "00:05:00" });
        using var session = new AdminSession(AdminSession.CreateClient(host));

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var guess = await session.PostSignInAsync($"wrong-guess-number-{i}");
            guesses.Add(guess.StatusCode);
        }

        using var refused = await session.PostSignInAsync(AdminSession.Password);

        Assert.All(guesses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Client.GetAsync("/admin/api/stats")).StatusCode);
    }

    [Fact]
    public async Task The_right_password_signs_in_with_an_http_only_strict_cookie_and_opens_the_dashboard()
    {
        await using var host = Host();
        using var session = new AdminSession(AdminSession.CreateClient(host));

        using var response = await session.PostSignInAsync(AdminSession.Password);
        using var page = await session.Client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AdminAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("per-day-chart", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_a_400_problem()
    {
        await using var host = Host();
        using var session = new AdminSession(AdminSession.CreateClient(host));

        using var response = await session.PostSignInAsync(AdminSession.Password, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dashboard_change_without_the_antiforgery_header_is_a_400_problem_even_when_signed_in()
    {
        await using var host = Host();
        using var session = await AdminSession.SignInAsync(host);

        using var response = await session.PostJsonAsync("/admin/api/retrain", new { }, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RetrainStatusIdle, (await session.GetJsonAsync("/admin/api/retrain"))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var host = Host();
        using var session = await AdminSession.SignInAsync(host);
        using var page = await session.Client.GetAsync("/admin");
        var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        using var signOut = await session.Client.PostAsync("/admin/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }));
        using var api = await session.Client.GetAsync("/admin/api/stats");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task In_production_without_a_password_the_dashboard_is_closed_and_says_which_setting_opens_it()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>(), environment: "Production");
        using var client = AdminSession.CreateClient(host);

        using var signIn = await client.GetAsync("/admin/signin");
        using var page = await client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Contains("HelpDesk:AdminPassword", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Null(host.Services.GetRequiredService<AdminCredentials>().GeneratedPassword);
    }

    [Fact]
    public async Task In_development_without_a_password_a_one_time_password_is_generated_and_signs_in()
    {
        await using var host = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());
        var generated = host.Services.GetRequiredService<AdminCredentials>().GeneratedPassword;

        await using var another = SupportBotFactory.WithSettings(model, new Dictionary<string, string?>());

        using var session = await AdminSession.SignInAsync(host, generated!);

        Assert.Equal(32, generated!.Length);
        Assert.NotEqual(generated, another.Services.GetRequiredService<AdminCredentials>().GeneratedPassword);
    }

    private const string RetrainStatusIdle = RetrainStatus.Idle;
}
