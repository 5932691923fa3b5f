using System.Collections.Concurrent;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace SupportBot.Bot.Storage;

/// <summary>Resolves the <c>$type</c> names in stored bot state, refusing every type outside the bot's own, Bot Framework, core library and Json.NET assemblies.</summary>
/// <remarks>
/// Type names in stored state (TypeNameHandling) let whoever can edit the database choose which type is constructed on read
/// (a deserialisation gadget). Assemblies are checked before they are loaded, generic arguments and
/// array elements included, and again on the resolved type; writing a type that could not be read
/// back is refused too, so a conversation's state never becomes unreadable.
/// </remarks>
public sealed class StateTypeBinder : ISerializationBinder
{
    /// <summary>Assembly-name prefixes whose types may appear in stored state.</summary>
    public static IReadOnlyList<string> AllowedAssemblyPrefixes { get; } =
        ["SupportBot.", "Microsoft.Bot.", "System.Private.CoreLib", "System.Collections", "Newtonsoft.Json"];

    /// <summary>
    /// Types renamed since conversations were stored: the old full name, still written in their
    /// <c>$type</c>, read as the new type (written under the new name on the next save).
    /// </summary>
    private static readonly Dictionary<string, Type> Renamed = new(StringComparer.Ordinal)
    {
        ["SupportBot.Bot.Conversation.DialogState"] = typeof(Conversation.SupportDialogState),
        ["SupportBot.Bot.Conversation.ConversationLog"] = typeof(Conversation.QuestionLog),
    };

    private readonly DefaultSerializationBinder _names = new();
    private readonly ConcurrentDictionary<(string? Assembly, string Type), Type> _resolved = new();

    // Every save names every type in the state; checking one means reflecting over its assembly's
    // name, so each type is checked and named once.
    private readonly ConcurrentDictionary<Type, (string? Assembly, string? Type)> _named = new();

    public Type BindToType(string? assemblyName, string typeName)
    {
        if (_resolved.TryGetValue((assemblyName, typeName), out var cached))
        {
            return cached;
        }

        if (Renamed.TryGetValue(typeName, out var renamed) && assemblyName == renamed.Assembly.GetName().Name)
        {
            return _resolved.GetOrAdd((assemblyName, typeName), renamed);
        }

        var qualifiedName = assemblyName is null ? typeName : $"{typeName}, {assemblyName}";
        var type = Type.GetType(qualifiedName, LoadAllowedAssembly, FindType, throwOnError: false)
            ?? throw new JsonSerializationException($"The stored type '{qualifiedName}' cannot be resolved.");
        EnsureAllowed(type);
        return _resolved.GetOrAdd((assemblyName, typeName), type);
    }

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
    {
        (assemblyName, typeName) = _named.GetOrAdd(serializedType, type =>
        {
            EnsureAllowed(type);
            _names.BindToName(type, out var assembly, out var name);
            return (assembly, name);
        });
    }

    public static bool IsAllowedAssembly(string? assemblyName) =>
        assemblyName is not null && AllowedAssemblyPrefixes.Any(prefix => assemblyName.StartsWith(prefix, StringComparison.Ordinal));

    private static void EnsureAllowed(Type type)
    {
        if (type.HasElementType)
        {
            EnsureAllowed(type.GetElementType()!);
            return;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                EnsureAllowed(argument);
            }
        }

        if (!IsAllowedAssembly(type.Assembly.GetName().Name))
        {
            throw Refused(type.FullName ?? type.Name, type.Assembly.GetName().Name);
        }
    }

    private static Assembly LoadAllowedAssembly(AssemblyName name) =>
        IsAllowedAssembly(name.Name) ? Assembly.Load(name) : throw Refused(typeName: null, name.Name);

    private static Type? FindType(Assembly? assembly, string name, bool ignoreCase) =>
        assembly is null ? Type.GetType(name, throwOnError: false, ignoreCase) : assembly.GetType(name, throwOnError: false, ignoreCase);

    private static JsonSerializationException Refused(string? typeName, string? assemblyName) =>
        new($"{(typeName is null ? "A type" : $"Type '{typeName}'")} from assembly '{assemblyName}' is not allowed in bot state; " +
            $"only types from assemblies starting with {string.Join(", ", AllowedAssemblyPrefixes.Select(p => $"'{p}'"))} are.");
}
