using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SupportBot.Deploy.Tests.Infrastructure;

namespace SupportBot.Web.Tests.Architecture;

/// <summary>
/// The layering of docs/architecture.md, stated once in <see cref="Layers"/> and checked in the
/// project files, in the built assemblies' references and in the <c>using</c>s of the sources.
/// </summary>
public sealed partial class LayeringTests
{
    private const string AspNetCore = "Microsoft.AspNetCore";
    private const string BotFrameworkAspNetCore = "Microsoft.Bot.Builder.Integration.AspNet.Core";
    private const string BotFramework = "Microsoft.Bot";
    private const string Npgsql = "Npgsql";
    private const string Sqlite = "Microsoft.Data.Sqlite";

    /// <summary>
    /// Core &lt;- Bot &lt;- Web, and the CLI over Core (and Bot): each project, the projects it may
    /// reference, and what it must not depend on (packages, framework, assemblies, namespaces).
    /// </summary>
    private static readonly Layer[] Layers =
    [
        new("SupportBot.Core", "SupportBot.Core", [], [BotFramework, AspNetCore, Npgsql, Sqlite, "SupportBot.Bot", "SupportBot.Web"]),
        new("SupportBot.Bot", "SupportBot.Bot", ["SupportBot.Core"], [AspNetCore, BotFrameworkAspNetCore, Npgsql, Sqlite, "SupportBot.Web"]),
        new("SupportBot.Web", "SupportBot.Web", ["SupportBot.Core", "SupportBot.Bot"], []),
        new("SupportBot.Cli", "supportbot", ["SupportBot.Core", "SupportBot.Bot"], [AspNetCore, Npgsql, Sqlite, "SupportBot.Web"]),
    ];

    /// <summary>Within the host, a database driver's namespace only in its storage room.</summary>
    private static readonly (string Namespace, string Room)[] DriverRooms =
    [
        (Npgsql, "src/SupportBot.Web/Storage/PostgreSql/"),
        (Sqlite, "src/SupportBot.Web/Storage/Sqlite/"),
    ];

    [Fact]
    public void Every_project_under_src_has_its_place_in_the_layering()
    {
        var projects = Directory.GetFiles(Repository.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Order();

        Assert.Equal(Layers.Select(l => l.Project).Order(), projects);
    }

    [Fact]
    public void Project_files_reference_only_the_layers_beneath_and_nothing_forbidden()
    {
        var violations = new List<string>();
        foreach (var layer in Layers)
        {
            var project = XDocument.Load(Repository.PathOf("src", layer.Project, layer.Project + ".csproj"));
            var items = project.Descendants().Where(e => e.Attribute("Include") is not null).ToList();
            foreach (var reference in items.Where(e => e.Name.LocalName == "ProjectReference"))
            {
                var name = Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/'));
                if (!layer.MayReference.Contains(name))
                {
                    violations.Add($"{layer.Project}.csproj references the project {name}");
                }
            }

            foreach (var reference in items.Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference"))
            {
                var name = reference.Attribute("Include")!.Value;
                if (layer.Forbids(name))
                {
                    violations.Add($"{layer.Project}.csproj has the {reference.Name.LocalName} {name}");
                }
            }

            // The Bot Framework props bring the SDK, and its ASP.NET Core adapter unless switched off.
            var importsBotFramework = project.Descendants().Any(e => e.Name.LocalName == "Import" && e.Attribute("Project")!.Value.EndsWith("BotFramework.props", StringComparison.Ordinal));
            var adapterOff = project.Descendants().Any(e => e.Name.LocalName == "BotFrameworkAspNetCore" && e.Value.Trim() == "false");
            if (importsBotFramework && layer.Forbids(BotFramework))
            {
                violations.Add($"{layer.Project}.csproj imports the Bot Framework");
            }

            if (importsBotFramework && !adapterOff && layer.Forbids(BotFrameworkAspNetCore))
            {
                violations.Add($"{layer.Project}.csproj imports the Bot Framework's ASP.NET Core adapter (set BotFrameworkAspNetCore to false)");
            }
        }

        AssertNone(violations);
    }

    [Fact]
    public void Built_assemblies_reference_only_the_layers_beneath_and_nothing_forbidden()
    {
        // The host's own build carries Core, Bot and Web; the CLI is checked where it was built too.
        var violations = new List<string>();
        foreach (var layer in Layers)
        {
            var path = Path.Combine(AppContext.BaseDirectory, layer.Assembly + ".dll");
            if (!File.Exists(path))
            {
                Assert.Equal("SupportBot.Cli", layer.Project);
                continue;
            }

            foreach (var reference in AssemblyReferences(path))
            {
                var ownProject = Layers.FirstOrDefault(l => l.Assembly == reference);
                if (ownProject is not null && !layer.MayReference.Contains(ownProject.Project))
                {
                    violations.Add($"{layer.Assembly}.dll references {reference}.dll");
                }
                else if (layer.Forbids(reference))
                {
                    violations.Add($"{layer.Assembly}.dll references {reference}.dll");
                }
            }
        }

        AssertNone(violations);
    }

    [Fact]
    public void Sources_use_no_forbidden_namespace_and_database_drivers_only_in_their_storage_room()
    {
        var violations = new List<string>();
        foreach (var layer in Layers)
        {
            foreach (var file in SourceFiles(layer.Project))
            {
                var relative = Path.GetRelativePath(Repository.Root, file).Replace('\\', '/');
                foreach (var used in Usings(File.ReadAllText(file)))
                {
                    if (layer.Forbids(used))
                    {
                        violations.Add($"{relative}: using {used}");
                    }

                    foreach (var (driver, room) in DriverRooms)
                    {
                        if (IsWithin(used, driver) && !relative.StartsWith(room, StringComparison.Ordinal))
                        {
                            violations.Add($"{relative}: using {used} outside {room}");
                        }
                    }
                }
            }
        }

        AssertNone(violations);
    }

    // Every violation in the message, one a line, not the first few.
    private static void AssertNone(List<string> violations) =>
        Assert.True(violations.Count == 0, $"The layering (docs/architecture.md) is broken:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");

    private static IEnumerable<string> AssemblyReferences(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name)).ToList();
    }

    private static IEnumerable<string> SourceFiles(string project)
    {
        var folder = Repository.PathOf("src", project);
        return Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)
                && !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar)[0].Equals("bin", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Usings(string source) =>
        UsingDirective().Matches(source).Select(m => m.Groups["name"].Value);

    private static bool IsWithin(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    // using X; global using X; using static X.Y; using A = X.Y;
    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<name>[A-Za-z_][\w.]*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    /// <summary>A project of src/, its assembly's name, the projects it may reference, and the names (prefixes) it must not depend on.</summary>
    private sealed record Layer(string Project, string Assembly, string[] MayReference, string[] Forbidden)
    {
        public bool Forbids(string name) => Forbidden.Any(prefix => IsWithin(name, prefix));
    }
}
