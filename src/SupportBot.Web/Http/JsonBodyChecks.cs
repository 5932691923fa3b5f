using System.Buffers;
using System.Net.Mime;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SupportBot.Web.Configuration;

namespace SupportBot.Web.Http;

/// <summary>
/// The checks every JSON endpoint gets before its handler runs: a JSON content type (else 415), a
/// body no larger than <c>Api:MaxRequestBodyBytes</c> (else 413), and a body that is a JSON object
/// of clean text (else 400 with a short reason): valid UTF-8, each property once, no NUL and no
/// half of a surrogate pair in any name or value. The Bot Framework adapter would answer an empty
/// 400 to the first three and read any size of body into memory first; the rest would reach the
/// handlers, where reading such a string throws (a 500) or stores it (PostgreSQL refuses a NUL),
/// and where two parsers may pick different copies of a property given twice.
/// </summary>
public static class JsonBodyChecks
{
    public static IServiceCollection AddJsonBodyChecks(this IServiceCollection services)
    {
        services.AddValidatedOptions<ApiOptions>(ApiOptions.Section);
        return services;
    }

    public static IApplicationBuilder UseJsonBodyChecks(this IApplicationBuilder app) => app.UseMiddleware<JsonBodyMiddleware>();

    /// <summary>Marks an endpoint as taking a JSON object body, checked by the middleware; <paramref name="writeError"/> writes its refusals (default: a ProblemDetails).</summary>
    public static TBuilder RequireJsonBody<TBuilder>(this TBuilder builder, JsonBodyErrorWriter? writeError = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new JsonBodyRequired(writeError ?? Problem, Optional: false));

    /// <summary>Marks an endpoint as taking an optional JSON object body: no body passes; a body that is there is checked as <see cref="RequireJsonBody"/> checks it.</summary>
    public static TBuilder AllowJsonBody<TBuilder>(this TBuilder builder, JsonBodyErrorWriter? writeError = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new JsonBodyRequired(writeError ?? Problem, Optional: true));

    private static Task Problem(HttpContext context, int status, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status).ExecuteAsync(context);

    private sealed record JsonBodyRequired(JsonBodyErrorWriter WriteError, bool Optional);

    private sealed class JsonBodyMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
    {
        private const int ChunkSize = 16 * 1024;

        public async Task InvokeAsync(HttpContext context)
        {
            // A CORS preflight (OPTIONS) has no body: the CORS middleware answers it.
            if (context.GetEndpoint()?.Metadata.GetMetadata<JsonBodyRequired>() is not { } required || HttpMethods.IsOptions(context.Request.Method))
            {
                await next(context);
                return;
            }

            var refuse = required.WriteError;
            var request = context.Request;
            var limit = options.Value.MaxRequestBodyBytes;
            // An optional body may come without a content type when there is none (curl -X POST, fetch without a body).
            var mayBeEmpty = required.Optional && request.ContentLength is null or 0;
            if (!IsJson(request.ContentType) && !mayBeEmpty)
            {
                await refuse(context, StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json.");
                return;
            }

            if (request.ContentLength > limit)
            {
                await refuse(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.");
                return;
            }

            var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false })
            {
                sizeFeature.MaxRequestBodySize = limit;
            }

            var body = new MemoryStream();
            context.Response.RegisterForDispose(body);
            try
            {
                if (!await TryCopyAsync(request.Body, body, limit, context.RequestAborted))
                {
                    await refuse(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.");
                    return;
                }
            }
            catch (BadHttpRequestException ex)
            {
                // Kestrel's own limit or a malformed chunked body.
                await refuse(context, ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The body is larger than {limit} bytes."
                    : "The body could not be read.");
                return;
            }

            if (body.Length == 0 && required.Optional)
            {
                body.Position = 0;
                request.Body = body;
                await next(context);
                return;
            }

            if (!IsJson(request.ContentType))
            {
                await refuse(context, StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json.");
                return;
            }

            var utf8 = WithoutByteOrderMark(body.GetBuffer().AsMemory(0, (int)body.Length));
            if (!Utf8.IsValid(utf8.Span))
            {
                await refuse(context, StatusCodes.Status400BadRequest, "The body is not valid UTF-8.");
                return;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(utf8);
            }
            catch (JsonException ex)
            {
                await refuse(
                    context,
                    StatusCodes.Status400BadRequest,
                    $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).");
                return;
            }

            context.Response.RegisterForDispose(document);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                await refuse(context, StatusCodes.Status400BadRequest, "The body must be a JSON object.");
                return;
            }

            if (Flaw(document.RootElement) is { } flaw)
            {
                await refuse(context, StatusCodes.Status400BadRequest, flaw);
                return;
            }

            // The handler reads the checked copy; endpoint filters may look at the parsed one.
            context.Features.Set(new JsonBodyFeature(document.RootElement));
            body.Position = 0;
            request.Body = body;
            request.ContentLength = body.Length;
            await next(context);
        }

        /// <summary>What no handler should have to cope with, anywhere in the document (at most Parse's 64 levels deep).</summary>
        private static string? Flaw(JsonElement element)
        {
            try
            {
                return FlawIn(element);
            }
            catch (InvalidOperationException)
            {
                // GetString refuses an escaped half of a surrogate pair.
                return BrokenText;
            }
        }

        private const string BrokenText = "The body holds text with a NUL character or half of a UTF-16 surrogate pair.";

        private static string? FlawIn(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return IsClean(element.GetString()!) ? null : BrokenText;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (FlawIn(item) is { } flaw)
                        {
                            return flaw;
                        }
                    }

                    return null;
                case JsonValueKind.Object:
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!IsClean(property.Name))
                        {
                            return BrokenText;
                        }

                        // Parsers differ on which copy wins (the checks here may see one, the handler the other).
                        if (!names.Add(property.Name))
                        {
                            return "The body gives a property twice in one object; give each once.";
                        }

                        if (FlawIn(property.Value) is { } flaw)
                        {
                            return flaw;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static bool IsClean(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\0')
                {
                    return false;
                }

                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsJson(string? contentType)
        {
            if (string.IsNullOrEmpty(contentType))
            {
                return false;
            }

            var mediaType = contentType.Split(';', 2)[0].Trim();
            return string.Equals(mediaType, MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
                || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                    && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        }

        private static async Task<bool> TryCopyAsync(Stream source, MemoryStream destination, long limit, CancellationToken cancellationToken)
        {
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
                {
                    if (destination.Length + read > limit)
                    {
                        return false;
                    }

                    destination.Write(chunk, 0, read);
                }

                return true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        private static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> utf8) =>
            utf8.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? utf8[3..] : utf8;
    }
}

/// <summary>Writes a refused body's error: the status (400, 413 or 415) and a short reason.</summary>
public delegate Task JsonBodyErrorWriter(HttpContext context, int status, string detail);

/// <summary>The request body as parsed by <see cref="JsonBodyChecks"/>: a JSON object.</summary>
public sealed record JsonBodyFeature(JsonElement Root);
