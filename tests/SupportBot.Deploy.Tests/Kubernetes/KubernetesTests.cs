using System.Globalization;
using SupportBot.Deploy.Tests.Compose;
using SupportBot.Deploy.Tests.Configuration;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Web.Health;

namespace SupportBot.Deploy.Tests.Kubernetes;

/// <summary>Each overlay of deploy/kubernetes, rendered by kubectl and checked against the schema and the host.</summary>
public sealed class KubernetesTests
{
    private const string SecretName = "supportbot-secrets";

    // docs/performance.md: 204 MB resident with 200 Direct Line WebSocket conversations held, the highest measured.
    private const long MeasuredPeakBytes = 204L * 1000 * 1000;

    public static TheoryData<string> Overlays => new() { "dev", "production" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_rendered_object_is_valid_against_the_kubernetes_schema(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var schema = Repository.PathOf("tests", "kubernetes-schema");
        if (!File.Exists(Path.Combine(schema, "node_modules", ".package-lock.json")))
        {
            var install = await Processes.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), schema);
            Assert.True(install.Succeeded, $"npm ci failed:\n{install.Output}");
        }

        var file = Path.Combine(Path.GetTempPath(), $"supportbot-{overlay}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, rendered.Yaml);
        try
        {
            var validation = await Processes.RunAsync("node", ["validate.mjs", file], TimeSpan.FromMinutes(2), schema);
            Assert.True(validation.Succeeded, $"schema validation of {overlay} failed:\n{validation.Output}");
            Assert.Contains($"{rendered.Objects.Count} objects, 0 invalid", validation.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Deployment_runs_two_non_root_replicas_probed_on_the_host_health_endpoints(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var deployment = rendered.Single("Deployment", "supportbot");
        Assert.True(int.Parse(deployment.Map("spec").Str("replicas"), CultureInfo.InvariantCulture) >= 2);

        var container = rendered.BotContainer;
        var port = container.Maps("ports").Single(p => p.Str("name") == "http");
        Assert.Equal(DeployFiles.ImagePort.ToString(CultureInfo.InvariantCulture), port.Str("containerPort"));
        Assert.Equal(HealthEndpoints.Liveness, container.Map("startupProbe").Map("httpGet").Str("path"));
        Assert.Equal(HealthEndpoints.Readiness, container.Map("readinessProbe").Map("httpGet").Str("path"));
        Assert.Equal(HealthEndpoints.Liveness, container.Map("livenessProbe").Map("httpGet").Str("path"));

        var pod = deployment.Map("spec").Map("template").Map("spec");
        Assert.Equal("true", pod.Map("securityContext").Str("runAsNonRoot"));
        Assert.Equal("1654", pod.Map("securityContext").Str("runAsUser"));
        Assert.Equal("true", container.Map("securityContext").Str("readOnlyRootFilesystem"));
        Assert.Equal("false", container.Map("securityContext").Str("allowPrivilegeEscalation"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Resources_cover_the_measured_memory_and_the_app_writes_only_to_mounted_empty_dirs(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var container = rendered.BotContainer;
        var resources = container.Map("resources");
        var request = Bytes(resources.Map("requests").Str("memory"));
        var limit = Bytes(resources.Map("limits").Str("memory"));
        Assert.True(request >= MeasuredPeakBytes, $"memory request {request} is below the measured {MeasuredPeakBytes}");
        Assert.True(limit > request, "the memory limit leaves room above the request");
        Assert.NotNull(resources.Map("requests").Get("cpu"));
        Assert.NotNull(resources.Map("limits").Get("cpu"));

        var emptyDirs = rendered.Single("Deployment", "supportbot").Map("spec").Map("template").Map("spec").Maps("volumes")
            .Where(v => v.Get("emptyDir") is not null).Select(v => v.Str("name")).ToHashSet();
        var writable = container.Maps("volumeMounts").Where(m => emptyDirs.Contains(m.Str("name"))).Select(m => m.Str("mountPath")).ToList();
        Assert.Contains("/tmp", writable);

        // Where the image tells the host to write (the SQLite file, a generated Direct Line secret,
        // the retrained model, the dashboard's review files) is mounted.
        foreach (var name in new[] { "Storage__Sqlite__Path", "DirectLine__GeneratedSecretPath", "Classifier__ModelPath", "Classifier__ReviewPath" })
        {
            var path = DeployFiles.ImageEnvironment[name];
            Assert.True(writable.Any(w => path.StartsWith(w + "/", StringComparison.Ordinal)), $"{name}={path} is under no emptyDir");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Environment_and_config_map_set_only_host_keys_and_every_secret_comes_from_the_secret(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var container = rendered.BotContainer;
        var env = container.Maps("env").ToList();

        // A variable only used inside another one's value, $(NAME), is a helper, not a setting.
        var helpers = env.Select(e => e.Str("name"))
            .Where(name => env.Any(other => (other.Get("value") as string ?? "").Contains($"$({name})", StringComparison.Ordinal)))
            .ToHashSet();
        var configMap = Assert.Single(rendered.OfKind("ConfigMap"), c => c.Map("metadata").Str("name").StartsWith("supportbot-config", StringComparison.Ordinal));
        var configMapName = Assert.Single(container.Maps("envFrom")).Map("configMapRef").Str("name");
        Assert.Equal(configMap.Map("metadata").Str("name"), configMapName);

        var names = env.Select(e => e.Str("name")).Where(n => !helpers.Contains(n)).Concat(configMap.Map("data").Keys.Cast<string>()).ToList();
        var unknown = names.Where(n => HostConfiguration.ForEnvironmentVariable(n) is null).ToList();
        Assert.True(unknown.Count == 0, $"{overlay} sets keys the host does not read: {string.Join(", ", unknown)}");

        foreach (var variable in env)
        {
            var name = variable.Str("name");
            if (variable.Get("valueFrom") is { } from)
            {
                Assert.Equal(SecretName, from.Map("secretKeyRef").Str("name"));
            }
            else if (ComposeTests.IsSecret(name))
            {
                Assert.True(helpers.Any(h => variable.Str("value").Contains($"$({h})", StringComparison.Ordinal)), $"{name} is a literal, not from {SecretName}");
            }
        }

        Assert.DoesNotContain(configMap.Map("data").Keys.Cast<string>(), ComposeTests.IsSecret);
        Assert.Empty(rendered.OfKind("Secret"));
        Assert.Contains("PostgreSql", configMap.Map("data").Str("Storage__Provider"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Service_ingress_autoscaler_and_disruption_budget_reach_the_bot_pods(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var podLabels = rendered.Single("Deployment", "supportbot").Map("spec").Map("template").Map("metadata").Map("labels");
        bool SelectsBots(Dictionary<object, object> selector) =>
            selector.Count > 0 && selector.All(s => podLabels.TryGetValue(s.Key, out var v) && Equals(v, s.Value));

        var service = rendered.Single("Service", "supportbot");
        Assert.True(SelectsBots(service.Map("spec").Map("selector")), "the Service selects the bot pods");
        Assert.Equal("http", Assert.Single(service.Map("spec").Maps("ports")).Str("targetPort"));

        var backend = rendered.Single("Ingress", "supportbot").Map("spec").Maps("rules").Single().Map("http").Maps("paths").Single().Map("backend").Map("service");
        Assert.Equal("supportbot", backend.Str("name"));
        var annotations = rendered.Single("Ingress", "supportbot").Map("metadata").Map("annotations");
        foreach (var timeout in new[] { "proxy-read-timeout", "proxy-send-timeout" })
        {
            Assert.True(int.Parse(annotations.Str($"nginx.ingress.kubernetes.io/{timeout}"), CultureInfo.InvariantCulture) >= 3600, $"{timeout} keeps Direct Line streams open");
        }

        var autoscaler = rendered.Single("HorizontalPodAutoscaler", "supportbot").Map("spec");
        Assert.Equal("Deployment", autoscaler.Map("scaleTargetRef").Str("kind"));
        Assert.Equal("supportbot", autoscaler.Map("scaleTargetRef").Str("name"));
        Assert.True(int.Parse(autoscaler.Str("minReplicas"), CultureInfo.InvariantCulture) >= 2);

        var budget = rendered.Single("PodDisruptionBudget", "supportbot").Map("spec");
        Assert.True(SelectsBots(budget.Map("selector").Map("matchLabels")), "the PodDisruptionBudget selects the bot pods");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Prometheus_scrapes_the_pods_on_a_metrics_port_the_host_listens_on_and_no_service_publishes(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var config = Assert.Single(rendered.OfKind("ConfigMap"), c => c.Map("metadata").Str("name").StartsWith("supportbot-config", StringComparison.Ordinal)).Map("data");
        var metricsPort = config.Str("Telemetry__Metrics__Port");

        Assert.NotEqual(DeployFiles.ImagePort.ToString(CultureInfo.InvariantCulture), metricsPort);
        Assert.Contains($"http://+:{metricsPort}", config.Str("ASPNETCORE_URLS").Split(';'));
        Assert.Contains($"http://+:{DeployFiles.ImagePort}", config.Str("ASPNETCORE_URLS").Split(';'));
        Assert.Equal(metricsPort, rendered.BotContainer.Maps("ports").Single(p => p.Str("name") == "metrics").Str("containerPort"));
        var annotations = rendered.Single("Deployment", "supportbot").Map("spec").Map("template").Map("metadata").Map("annotations");
        Assert.Equal("true", annotations.Str("prometheus.io/scrape"));
        Assert.Equal(metricsPort, annotations.Str("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.Str("prometheus.io/path"));

        // Only the http port is published: the Service (and through it the Ingress) never reaches the metrics.
        Assert.Equal("http", Assert.Single(rendered.Single("Service", "supportbot").Map("spec").Maps("ports")).Str("targetPort"));
    }

    [Fact]
    public async Task Dev_runs_its_own_postgresql_and_production_connects_to_an_external_one()
    {
        var dev = await KustomizeOverlay.RenderAsync("dev");
        var database = dev.Single("StatefulSet", "supportbot-postgres");
        Assert.NotEmpty(database.Map("spec").Maps("volumeClaimTemplates"));
        var service = dev.Single("Service", "supportbot-postgres");
        var connection = dev.BotContainer.Maps("env").Single(e => e.Str("name") == "ConnectionStrings__SupportBot").Str("value");
        Assert.Contains($"Host={service.Map("metadata").Str("name")};", connection, StringComparison.Ordinal);

        var production = await KustomizeOverlay.RenderAsync("production");
        Assert.Empty(production.OfKind("StatefulSet"));
        var fromSecret = production.BotContainer.Maps("env").Single(e => e.Str("name") == "ConnectionStrings__SupportBot").Map("valueFrom").Map("secretKeyRef");
        Assert.Equal("connection-string", fromSecret.Str("key"));
        Assert.NotEmpty(production.Single("Ingress", "supportbot").Map("spec").Maps("tls"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_documented_secret_command_creates_every_required_key_the_overlay_reads(string overlay)
    {
        var rendered = await KustomizeOverlay.RenderAsync(overlay);
        var required = rendered.Objects
            .Where(o => o.Str("kind") is "Deployment" or "StatefulSet")
            .SelectMany(o => o.Map("spec").Map("template").Map("spec").Maps("containers"))
            .SelectMany(c => c.Maps("env"))
            .Select(e => e.Get("valueFrom").Get("secretKeyRef"))
            .OfType<Dictionary<object, object>>()
            .Where(s => s.Get("optional") as string != "true")
            .Select(s => s.Str("key"))
            .Distinct();

        var kustomization = Repository.Read("deploy", "kubernetes", "overlays", overlay, "kustomization.yaml");
        foreach (var key in required)
        {
            Assert.Contains($"--from-literal={key}=", kustomization, StringComparison.Ordinal);
        }
    }

    private static long Bytes(string quantity) => quantity switch
    {
        _ when quantity.EndsWith("Gi", StringComparison.Ordinal) => long.Parse(quantity[..^2], CultureInfo.InvariantCulture) << 30,
        _ when quantity.EndsWith("Mi", StringComparison.Ordinal) => long.Parse(quantity[..^2], CultureInfo.InvariantCulture) << 20,
        _ => throw new FormatException($"'{quantity}': write memory in Mi or Gi"),
    };
}
