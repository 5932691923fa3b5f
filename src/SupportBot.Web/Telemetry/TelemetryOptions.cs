using System.Net;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Telemetry;

/// <summary>Metrics and traces (the <c>Telemetry</c> section); logs are the <c>Logging</c> section's.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The service name traces are exported under.</summary>
    public string ServiceName { get; set; } = "supportbot";

    public MetricsOptions Metrics { get; set; } = new();

    public TracingOptions Tracing { get; set; } = new();
}

/// <summary>The Prometheus scraping endpoint.</summary>
public sealed class MetricsOptions
{
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";

    /// <summary>Serve the metrics only on this port (an internal one the host also listens on, to any caller there); 0 serves them on every port, to callers on this machine only.</summary>
    public int Port { get; set; }

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) that may scrape besides this machine; empty: this machine only, or any caller on <see cref="Port"/>.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>How often the webhook outbox's backlog is counted for the metrics.</summary>
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Spans of turns and rankings, exported by OTLP when an endpoint is set.</summary>
public sealed class TracingOptions
{
    public const string Grpc = "Grpc";

    public const string HttpProtobuf = "HttpProtobuf";

    /// <summary>The collector, e.g. <c>http://otel-collector:4317</c>; empty (the default) exports no traces.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318, <c>/v1/traces</c> is added when the URL has no path).</summary>
    public string Protocol { get; set; } = Grpc;

    /// <summary>The share of turns traced, 0 to 1 (a parent's sampling decision wins).</summary>
    public double SampleRatio { get; set; } = 1.0;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}

/// <summary>Checks every telemetry setting, naming its key.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        const string metrics = $"{TelemetryOptions.Section}:{nameof(TelemetryOptions.Metrics)}";
        const string tracing = $"{TelemetryOptions.Section}:{nameof(TelemetryOptions.Tracing)}";
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.ServiceName)}: a name is needed.");
        }

        var m = options.Metrics;
        if (!m.Path.StartsWith('/') || m.Path.Length < 2 || m.Path.Contains('?', StringComparison.Ordinal))
        {
            failures.Add($"{metrics}:{nameof(MetricsOptions.Path)}: '{m.Path}' is not a path; write one like /metrics.");
        }

        if (m.Port is < 0 or > 65535)
        {
            failures.Add($"{metrics}:{nameof(MetricsOptions.Port)}: {m.Port} is not a port (0 serves the metrics on every port).");
        }

        foreach (var network in m.AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            failures.Add($"{metrics}:{nameof(MetricsOptions.AllowedNetworks)}: '{network}' is not a network; write it as CIDR, e.g. 10.0.0.0/8 or 127.0.0.1/32.");
        }

        if (m.BacklogInterval < TimeSpan.FromSeconds(1) || m.BacklogInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{metrics}:{nameof(MetricsOptions.BacklogInterval)}: use 00:00:01 to 01:00:00.");
        }

        var t = options.Tracing;
        if (t.IsEnabled && !(Uri.TryCreate(t.OtlpEndpoint, UriKind.Absolute, out var endpoint) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{tracing}:{nameof(TracingOptions.OtlpEndpoint)}: '{t.OtlpEndpoint}' is not an absolute http(s) URL.");
        }

        if (t.Protocol != TracingOptions.Grpc && t.Protocol != TracingOptions.HttpProtobuf)
        {
            failures.Add($"{tracing}:{nameof(TracingOptions.Protocol)}: '{t.Protocol}' is not a protocol; use '{TracingOptions.Grpc}' or '{TracingOptions.HttpProtobuf}'.");
        }

        if (t.SampleRatio is < 0 or > 1 || double.IsNaN(t.SampleRatio))
        {
            failures.Add($"{tracing}:{nameof(TracingOptions.SampleRatio)}: use a number from 0 to 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
