using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>
/// What every answer to a bad body must be: never a 5xx, never a stack trace; a 4xx in the
/// endpoint's error shape with nothing stored, or a 2xx only for a case the endpoint
/// legitimately takes, and then nothing stored with a NUL or a broken surrogate in it.
/// </summary>
public static class BadInputCheck
{
    public static async Task SendAndCheckAsync(BadInputHost host, string endpointName, string caseName)
    {
        var endpoint = BadInputEndpoints.Named(endpointName);
        var (body, contentType) = BadBodies.Make(caseName, endpoint);
        var before = await StoreSnapshot.ReadAsync(host.Factory.DatabasePath);

        using var response = await host.SendAsync(endpoint, body, contentType);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{endpoint.Name} with {caseName}: {status} {text[..Math.Min(text.Length, 500)]}";
        Assert.True(status < 500, what);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        if (response.IsSuccessStatusCode)
        {
            Assert.True(endpoint.Accepts.ContainsKey(caseName), $"Taken but not a valid input: {what}");

            // What the turn writes behind it lands too: none of it may hold garbage.
            var after = await StoreSnapshot.SettledAsync(host.Factory.DatabasePath);
            Assert.Empty(after.Garbage.Except(before.Garbage));
            return;
        }

        Assert.True(status is >= 400 and < 500, what);
        AssertErrorShape(endpoint.Errors, response, text, what);
        var unchanged = await StoreSnapshot.ReadAsync(host.Factory.DatabasePath);
        Assert.True(before.Hash == unchanged.Hash, $"The store changed: {what}");
    }

    /// <summary>
    /// A bad query or path value on a reading endpoint: never a 5xx or a stack trace; a 4xx in the
    /// endpoint's error shape, or a 2xx when the value is merely one that matches nothing (a
    /// filter, an id); either way nothing stored.
    /// </summary>
    public static async Task ReadAndCheckAsync(BadInputHost host, string endpointName, string caseName)
    {
        var endpoint = BadQueries.Named(endpointName);
        var before = host.StoresInSqlite ? await StoreSnapshot.ReadAsync(host.Factory.DatabasePath) : null;

        using var response = await host.SendAsync("GET", BadQueries.Make(caseName, endpoint), endpoint.Caller);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{endpoint.Name} with {caseName}: {status} {text[..Math.Min(text.Length, 500)]}";
        Assert.True(status < 500, what);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        if (!response.IsSuccessStatusCode)
        {
            Assert.True(status is >= 400 and < 500, what);
            AssertErrorShape(endpoint.Errors, response, text, what);
        }

        if (before is not null)
        {
            var after = await StoreSnapshot.ReadAsync(host.Factory.DatabasePath);
            Assert.True(before.Hash == after.Hash, $"The store changed: {what}");
        }
    }

    private static void AssertErrorShape(ErrorShape shape, HttpResponseMessage response, string text, string what)
    {
        if (shape == ErrorShape.Page)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "text/html", what);
            Assert.Contains("role=\"alert\"", text, StringComparison.Ordinal);
            return;
        }

        var json = JsonNode.Parse(text)!.AsObject();
        if (shape == ErrorShape.Problem)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", what);
            Assert.Equal((int)response.StatusCode, json["status"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty((string?)json["title"]), what);
        }
        else
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", what);
            Assert.False(string.IsNullOrEmpty((string?)json["error"]?["code"]), what);
            Assert.False(string.IsNullOrEmpty((string?)json["error"]?["message"]), what);
        }

        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
    }
}
