using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using SupportBot.Core.Classification;
using SupportBot.Deploy.Tests.Infrastructure;

namespace SupportBot.Deploy.Tests.Configuration;

/// <summary>One key the host reads, the environment variable that sets it, and its default as text ("" when empty).</summary>
internal sealed record ConfigurationEntry(string Key, string EnvironmentVariable, string Default);

/// <summary>
/// The configuration keys the host reads, from the host itself: every options class it binds (a
/// SupportBot type with a <c>Section</c> constant, walked property by property, defaults from a new
/// instance overlaid by appsettings.json), the rest of appsettings.json, and the few keys the
/// framework or another branch reads directly. A list's index is written <c>{n}</c>.
/// </summary>
internal static partial class HostConfiguration
{
    public const string Index = "{n}";

    /// <summary>Read outside an options class: ASP.NET Core's own (ASPNETCORE_ variables), and the PostgreSQL provider's connection string.</summary>
    private static readonly ConfigurationEntry[] DirectKeys =
    [
        new("Environment", "ASPNETCORE_ENVIRONMENT", "Production"),
        new("ForwardedHeaders_Enabled", "ASPNETCORE_FORWARDEDHEADERS_ENABLED", "false"),
        // Added by the PostgreSQL storage provider (Storage:Provider=PostgreSql), on its own branch.
        new("ConnectionStrings:SupportBot", "ConnectionStrings__SupportBot", ""),
    ];

    private static readonly Assembly[] HostAssemblies =
        [typeof(Program).Assembly, typeof(DecisionOptions).Assembly, typeof(SupportBot.Bot.SupportBotActivityHandler).Assembly];

    private static readonly Lazy<IReadOnlyList<ConfigurationEntry>> Cached = new(Build);

    public static IReadOnlyList<ConfigurationEntry> Entries => Cached.Value;

    /// <summary>The options classes the host binds: SupportBot types that name their configuration section.</summary>
    public static IEnumerable<(Type Type, string Section)> OptionsTypes() =>
        HostAssemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Select(type => (Type: type, Field: type.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(t => t.Field is { IsLiteral: true } && t.Field.FieldType == typeof(string))
            .Select(t => (t.Type, (string)t.Field!.GetRawConstantValue()!));

    /// <summary>The entry an environment variable (<c>A__B__0__C</c>, or an <c>ASPNETCORE_</c> one) sets, if any.</summary>
    public static ConfigurationEntry? ForEnvironmentVariable(string name)
    {
        var direct = Entries.FirstOrDefault(e => string.Equals(e.EnvironmentVariable, name, StringComparison.OrdinalIgnoreCase));
        return direct ?? ForKey(name.Replace("__", ":", StringComparison.Ordinal));
    }

    /// <summary>The entry of a key (<c>HelpDesk:ApiKeys:0:Key</c> is <c>HelpDesk:ApiKeys:{n}:Key</c>), if the host reads it.</summary>
    public static ConfigurationEntry? ForKey(string key)
    {
        var pattern = string.Join(':', key.Split(':').Select(segment => IndexSegment().IsMatch(segment) ? Index : segment));
        return Entries.FirstOrDefault(e => string.Equals(e.Key, pattern, StringComparison.OrdinalIgnoreCase))
            ?? (key.StartsWith("Logging:LogLevel:", StringComparison.OrdinalIgnoreCase)
                ? new ConfigurationEntry(key, key.Replace(":", "__", StringComparison.Ordinal), "")
                : null);
    }

    public static string EnvironmentVariableOf(string key) =>
        key.Replace(":", "__", StringComparison.Ordinal).Replace(Index, "0", StringComparison.Ordinal);

    private static List<ConfigurationEntry> Build()
    {
        using var appSettings = JsonDocument.Parse(Repository.Read("src", "SupportBot.Web", "appsettings.json"));
        var fromFile = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Flatten(appSettings.RootElement, prefix: null, fromFile);

        var entries = new Dictionary<string, ConfigurationEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, section) in OptionsTypes())
        {
            foreach (var (key, value) in Walk(type, section, Activator.CreateInstance(type)))
            {
                entries[key] = Entry(key, fromFile.GetValueOrDefault(key) ?? value);
            }
        }

        foreach (var (key, value) in fromFile.Where(f => !entries.ContainsKey(f.Key)))
        {
            // An empty list in appsettings.json ("ApiKeys": []) is a key an options class already describes.
            if (!entries.Keys.Any(k => k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
            {
                entries[key] = Entry(key, value);
            }
        }

        foreach (var direct in DirectKeys)
        {
            entries[direct.Key] = direct;
        }

        entries["Urls"] = entries["Urls"] with { EnvironmentVariable = "ASPNETCORE_URLS" };
        return [.. entries.Values.OrderBy(e => e.Key, StringComparer.Ordinal)];
    }

    private static ConfigurationEntry Entry(string key, string value) => new(key, EnvironmentVariableOf(key), value);

    // The keys ConfigurationBinder would bind on this type: public settable properties, nested
    // option objects, and lists (of values or of objects) under an index.
    private static IEnumerable<(string Key, string Default)> Walk(Type type, string prefix, object? instance)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var value = instance is null ? null : property.GetValue(instance);
            if (IsScalar(propertyType))
            {
                if (property.SetMethod is { IsPublic: true })
                {
                    yield return (key, Render(value));
                }
            }
            else if (ElementType(propertyType) is { } element)
            {
                var items = IsScalar(element) ? [(Key: $"{key}:{Index}", Default: "")] : Walk(element, $"{key}:{Index}", instance: null);
                foreach (var item in items)
                {
                    yield return item;
                }
            }
            else if (propertyType.IsClass)
            {
                foreach (var item in Walk(propertyType, key, value))
                {
                    yield return item;
                }
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(DateTimeOffset);

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private static string Render(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : $"{prefix}:{property.Name}", into);
                }

                break;
            case JsonValueKind.Array:
                into[prefix!] = "";
                break;
            case JsonValueKind.String:
                into[prefix!] = element.GetString()!;
                break;
            default:
                into[prefix!] = element.GetRawText();
                break;
        }
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex IndexSegment();
}
