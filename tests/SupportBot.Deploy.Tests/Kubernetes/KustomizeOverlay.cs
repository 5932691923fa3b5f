using System.Collections.Concurrent;
using SupportBot.Deploy.Tests.Infrastructure;

namespace SupportBot.Deploy.Tests.Kubernetes;

/// <summary>An overlay of deploy/kubernetes rendered by <c>kubectl kustomize</c>, as YAML text and as objects.</summary>
internal sealed record KustomizeOverlay(string Name, string Yaml, List<Dictionary<object, object>> Objects)
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<KustomizeOverlay>>> Rendered = new();

    public static Task<KustomizeOverlay> RenderAsync(string name) =>
        Rendered.GetOrAdd(name, n => new Lazy<Task<KustomizeOverlay>>(() => RenderNowAsync(n))).Value;

    public Dictionary<object, object> Single(string kind, string name) =>
        Assert.Single(Objects, o => o.Str("kind") == kind && o.Map("metadata").Str("name") == name);

    public IEnumerable<Dictionary<object, object>> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);

    /// <summary>The SupportBot Deployment's container.</summary>
    public Dictionary<object, object> BotContainer =>
        Assert.Single(Single("Deployment", "supportbot").Map("spec").Map("template").Map("spec").Maps("containers"));

    private static async Task<KustomizeOverlay> RenderNowAsync(string name)
    {
        Assert.True(Processes.Exists("kubectl"), "kubectl is not installed: tests/run.sh installs Debian's kubectl");
        var overlay = Repository.PathOf("deploy", "kubernetes", "overlays", name);
        var render = await Processes.RunAsync("kubectl", ["kustomize", overlay], TimeSpan.FromMinutes(1));
        Assert.True(render.Succeeded, $"kubectl kustomize {overlay} failed:\n{render.Output}");
        return new KustomizeOverlay(name, render.StandardOutput, Infrastructure.Yaml.LoadAll(render.StandardOutput));
    }
}
