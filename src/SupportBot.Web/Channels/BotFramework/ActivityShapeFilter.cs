using System.Text.Json;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>
/// Refuses, with a 400 that says which field is missing, an activity the adapter cannot process:
/// <c>CloudAdapter</c> answers an empty 400 only when <c>type</c> is missing, and fails with a 500
/// on a missing <c>serviceUrl</c> before the bot (and its error handler) ever runs.
/// </summary>
public sealed class ActivityShapeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.HttpContext.Features.Get<JsonBodyFeature>()?.Root;
        if (body is not { } activity)
        {
            return await next(context);
        }

        var errors = new Dictionary<string, string[]>();
        Require(activity, errors, "type");
        Require(activity, errors, "channelId");
        Require(activity, errors, "conversation", "id");
        Require(activity, errors, "from", "id");
        if (!activity.TryGetProperty("serviceUrl", out var serviceUrl)
            || serviceUrl.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(serviceUrl.GetString(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors["serviceUrl"] = ["An activity needs the absolute http(s) URL of the channel that sent it."];
        }

        return errors.Count == 0
            ? await next(context)
            : TypedResults.ValidationProblem(errors, title: "The body is not a Bot Framework activity the bot can answer.");
    }

    private static void Require(JsonElement activity, Dictionary<string, string[]> errors, string property, string? inner = null)
    {
        var found = activity.TryGetProperty(property, out var value);
        if (found && inner is not null)
        {
            found = value.ValueKind == JsonValueKind.Object && value.TryGetProperty(inner, out value);
        }

        if (!found || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            var name = inner is null ? property : $"{property}.{inner}";
            errors[name] = [$"An activity needs a non-empty string '{name}'."];
        }
    }
}
