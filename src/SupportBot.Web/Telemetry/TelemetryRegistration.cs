using System.Net;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SupportBot.Bot.Telemetry;
using SupportBot.Web.Configuration;
using SupportBot.Web.HelpDesk.Webhooks;
using SupportBot.Web.Http;

namespace SupportBot.Web.Telemetry;

/// <summary>
/// Metrics at <c>/metrics</c> in Prometheus format (the bot's meter and ASP.NET Core's), and
/// traces of turns and rankings through OTLP when <c>Telemetry:Tracing:OtlpEndpoint</c> is set.
/// The bot records through System.Diagnostics only; this is the one place exporters are chosen.
/// </summary>
public static class TelemetryRegistration
{
    // Request durations, open connections and rate-limiter decisions, measured by ASP.NET Core itself.
    private static readonly string[] HostMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting"];

    private static readonly string[] ConsoleFormats = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddHostedService<WebhookBacklogGauge>();
        services.AddOptions<ConsoleLoggerOptions>()
            .Validate(o => o.FormatterName is null || ConsoleFormats.Contains(o.FormatterName, StringComparer.OrdinalIgnoreCase), $"Logging:Console:FormatterName: use one of {string.Join(", ", ConsoleFormats)} (json writes one JSON object a line, with the conversation id of the turn).")
            .ValidateOnStart();

        // A JSON line is read by machines: an ISO 8601 UTC time, unless the settings give another.
        services.PostConfigure<JsonConsoleFormatterOptions>(json =>
        {
            if (json.TimestampFormat is null)
            {
                json.TimestampFormat = "O";
                json.UseUtcTimestamp = true;
            }
        });

        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(BotTelemetry.Name)
                .AddMeter(HostMeters)

                // Prometheus scrapes every few seconds at most: a cached answer would only hide the latest turns.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing();

        // Decided once the settings are read: without an endpoint no source is subscribed, so
        // the bot's spans are never even created.
        services.ConfigureOpenTelemetryTracerProvider((provider, tracing) =>
        {
            var options = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            if (!options.Tracing.IsEnabled)
            {
                return;
            }

            tracing
                .ConfigureResource(resource => resource.AddService(options.ServiceName))
                .AddSource(BotTelemetry.Name, "Microsoft.AspNetCore")
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.Tracing.SampleRatio)))
                .AddProcessor(new BatchActivityExportProcessor(new OtlpTraceExporter(Exporter(options.Tracing))));
        });
        return services;
    }

    /// <summary>
    /// The scraping endpoint, when enabled. Without <c>Telemetry:Metrics:Port</c> it answers only
    /// callers on this machine (and the allowed networks): behind a proxy or a published port it is
    /// closed. On the metrics port, an internal one no proxy or Service publishes, it answers any
    /// caller unless allowed networks are named.
    /// </summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Metrics;
        if (!metrics.Enabled)
        {
            return app;
        }

        var allowed = metrics.AllowedNetworks.Select(n => IPNetwork.Parse(n)).ToArray();
        var endpoint = app.MapPrometheusScrapingEndpoint(
            metrics.Path,
            meterProvider: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => MayScrape(context, metrics.Port, allowed) ? next(context) : RefuseAsync(context)),
            optionsName: null);
        if (metrics.Port > 0)
        {
            endpoint.RequireHost($"*:{metrics.Port}");
        }

        return app;
    }

    /// <summary>The path of the scraping endpoint (served to the end of a shutdown, like the health checks).</summary>
    public static string MetricsPath(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Metrics.Path;

    private static OtlpExporterOptions Exporter(TracingOptions tracing)
    {
        var endpoint = new Uri(tracing.OtlpEndpoint!);
        if (tracing.Protocol == TracingOptions.HttpProtobuf)
        {
            // Set in code, the endpoint is used as it is: the signal's path is not added for us.
            endpoint = endpoint.AbsolutePath == "/" ? new Uri(endpoint, "/v1/traces") : endpoint;
            return new OtlpExporterOptions { Endpoint = endpoint, Protocol = OtlpExportProtocol.HttpProtobuf };
        }

        return new OtlpExporterOptions { Endpoint = endpoint, Protocol = OtlpExportProtocol.Grpc };
    }

    // The route's host filter reads the Host header, which any caller writes: the port is checked
    // on the connection itself.
    private static bool MayScrape(HttpContext context, int port, IPNetwork[] allowed) =>
        port > 0
            ? context.Connection.LocalPort == port && (allowed.Length == 0 || LocalCallers.IsOnThisMachine(context) || IsAllowed(context, allowed))
            : LocalCallers.IsOnThisMachine(context) || IsAllowed(context, allowed);


    private static bool IsAllowed(HttpContext context, IPNetwork[] allowed)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return false;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return allowed.Any(network => network.Contains(address));
    }

    private static Task RefuseAsync(HttpContext context) =>
        TypedResults.Problem(
            detail: $"The metrics are served only to callers on this machine, to the networks in {TelemetryOptions.Section}:{nameof(TelemetryOptions.Metrics)}:{nameof(MetricsOptions.AllowedNetworks)}, or on {TelemetryOptions.Section}:{nameof(TelemetryOptions.Metrics)}:{nameof(MetricsOptions.Port)}.",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
}
