using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SupportBot.Web.Tests.Admin;

/// <summary>A browser-like client of the admin dashboard: cookies kept, redirects not followed, the page's antiforgery token sent on API calls.</summary>
public sealed partial class AdminSession(HttpClient client) : IDisposable
{
    public const string Password = "admin-test-password-0123";

    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["HelpDesk:AdminPassword"] = Password,
    };

    private string? _token;

    public HttpClient Client { get; } = client;

    public static HttpClient CreateClient(SupportBotFactory host) =>
        host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in with the password as the form does; the response of the form post.</summary>
    public async Task<HttpResponseMessage> PostSignInAsync(string password, bool withToken = true)
    {
        using var page = await Client.GetAsync("/admin/signin");
        var token = FormToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var fields = new Dictionary<string, string> { ["password"] = password };
        if (withToken)
        {
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token);
        }

        return await Client.PostAsync("/admin/signin", new FormUrlEncodedContent(fields));
    }

    /// <summary>Signs in and reads the dashboard's token for API calls.</summary>
    public static Task<AdminSession> SignInAsync(SupportBotFactory host, string password = Password) =>
        SignInAsync(CreateClient(host), password);

    /// <summary>Signs in on a client that keeps cookies and does not follow redirects (e.g. one through a load balancer).</summary>
    public static async Task<AdminSession> SignInAsync(HttpClient client, string password = Password)
    {
        var session = new AdminSession(client);
        using var signedIn = await session.PostSignInAsync(password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var dashboard = await session.Client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        session._token = WebUtility.HtmlDecode(PageToken().Match(await dashboard.Content.ReadAsStringAsync()).Groups[1].Value);
        return session;
    }

    /// <summary>The same sign-in (its cookies in <paramref name="other"/>'s cookie container) and page token, sent by another client: e.g. to another replica.</summary>
    public AdminSession WithClient(HttpClient other) => new(other) { _token = _token };

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, bool withToken = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        return withToken ? SendAsync(request) : Client.SendAsync(request);
    }

    /// <summary>Sends a request as the dashboard does: with the session's cookie and the page's token.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_token is not null)
        {
            request.Headers.Add("X-CSRF-Token", _token);
        }

        return Client.SendAsync(request);
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex PageToken();
}
