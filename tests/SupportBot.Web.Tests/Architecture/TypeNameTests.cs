using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;

namespace SupportBot.Web.Tests.Architecture;

/// <summary>
/// Every type of ours has a name of its own: no two types of the solution share a simple name, and
/// none takes a public type name of the Bot Framework SDK, so a reader (or a <c>using</c>) never
/// meets two meanings of one name.
/// </summary>
public sealed class TypeNameTests
{
    /// <summary>The solution's assemblies: SupportBot.Core, .Bot, .Web and .Cli.</summary>
    private static readonly Assembly[] Ours =
    [
        typeof(Core.Knowledge.KnowledgeBase).Assembly,
        typeof(Bot.SupportBotActivityHandler).Assembly,
        typeof(Program).Assembly,
        typeof(Cli.CliContext).Assembly,
    ];

    /// <summary>Names allowed twice, each with the reason the clash is deliberate.</summary>
    private static readonly Dictionary<string, string> DeliberateClashes = new(StringComparer.Ordinal)
    {
        ["Program"] = "the entry point of each executable (Web, Cli); top-level statements name it, and no code refers to the Cli's",
    };

    /// <summary>
    /// The public types of Microsoft.Bot.Builder.Dialogs 4.23 (the names of its source files). The bot
    /// uses no SDK dialogs and the package registry here does not serve the package, so its names are
    /// listed rather than read; a reader of a Bot Framework bot still takes DialogContext, DialogState,
    /// Prompt ... to mean the SDK's.
    /// </summary>
    private static readonly string[] DialogsNames = (
        "ActivityPrompt AliasPathResolver AtAtPathResolver AtPathResolver AttachmentPrompt BeginSkillDialogOptions " +
        "BotStateMemoryScope Channel Choice ChoiceFactory ChoiceFactoryOptions ChoicePrompt ChoiceRecognizers ClassMemoryScope " +
        "ComponentDialog ComponentRegistrationBridge ConfirmPrompt ConversationMemoryScope DateTimeResolution DatetimePrompt " +
        "DebugSupport Dialog DialogClassMemoryScope DialogContainer DialogContext DialogContextMemoryScope DialogContextPath " +
        "DialogContextVisibleState DialogEvent DialogEvents DialogExtensions DialogInstance DialogManager DialogManagerAdapter " +
        "DialogManagerResult DialogMemoryScope DialogPath DialogReason DialogSet DialogState DialogStateManager " +
        "DialogStateManagerConfiguration DialogTurnResult DialogTurnStatus DialogsBotComponent DialogsComponentRegistration " +
        "DollarPathResolver Find FindChoicesOptions FindValuesOptions FoundChoice FoundValue HashPathResolver " +
        "IComponentMemoryScopes IComponentPathResolvers IDialogDebugger IDialogDependencies IItemIdentity IPathResolver ISourceMap " +
        "ITemplate ListStyle MemoryScope ModelResult NullDialogDebugger NullSourceMap NumberPrompt OAuthPrompt OAuthPromptSettings " +
        "ObjectPath PercentPathResolver PersistedState PersistedStateKeys Prompt PromptCultureModel PromptCultureModels " +
        "PromptOptions PromptRecognizerResult PromptValidator PromptValidatorContext ReadOnlyObject Recognizer ScopePath " +
        "SettingsMemoryScope SkillDialog SkillDialogOptions SortedValue SourceContext SourceMap SourcePoint SourceRange TextPrompt " +
        "ThisMemoryScope ThisPath Token Tokenizer TurnMemoryScope TurnPath UserMemoryScope UserTokenAccess WaterfallDialog " +
        "WaterfallStep WaterfallStepContext").Split(' ');

    [Fact]
    public void No_two_types_of_the_solution_share_a_simple_name()
    {
        var clashes = OurTypes()
            .GroupBy(t => SimpleName(t.Name), StringComparer.Ordinal)
            .Where(g => g.Select(t => t.FullName).Distinct().Count() > 1 && !DeliberateClashes.ContainsKey(g.Key))
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => $"{t.FullName} ({t.Assembly.GetName().Name})"))}")
            .ToList();

        Assert.True(clashes.Count == 0, "Types sharing a name:\n" + string.Join('\n', clashes));
    }

    [Fact]
    public void No_type_of_the_solution_takes_a_name_of_the_bot_framework_sdk()
    {
        // The SDK assemblies the host references, copied beside the tests, read as metadata only.
        var files = Directory.EnumerateFiles(AppContext.BaseDirectory, "Microsoft.Bot.*.dll").ToList();
        Assert.Contains(files, f => Path.GetFileName(f) == "Microsoft.Bot.Builder.dll");
        Assert.Contains(files, f => Path.GetFileName(f) == "Microsoft.Bot.Schema.dll");
        Assert.Contains(files, f => Path.GetFileName(f) == "Microsoft.Bot.Connector.dll");
        var sdk = files
            .SelectMany(f => PublicTypeNames(f).Select(name => (Name: name, Assembly: Path.GetFileNameWithoutExtension(f))))
            .Concat(DialogsNames.Select(name => (Name: name, Assembly: "Microsoft.Bot.Builder.Dialogs")))
            .ToLookup(t => t.Name, t => t.Assembly, StringComparer.Ordinal);
        Assert.True(sdk["ActivityHandler"].Any(), "The SDK's type names were not read.");

        var shadowing = OurTypes()
            .Where(t => sdk[SimpleName(t.Name)].Any() && !DeliberateClashes.ContainsKey(SimpleName(t.Name)))
            .Select(t => $"{t.FullName} has the name of a type in {string.Join(", ", sdk[SimpleName(t.Name)].Distinct())}")
            .ToList();

        Assert.True(shadowing.Count == 0, "Types named as the SDK's:\n" + string.Join('\n', shadowing));
    }

    /// <summary>Our public and internal types, nested ones included; compiler-generated and embedded types are not ours to name.</summary>
    private static IEnumerable<Type> OurTypes() =>
        Ours.SelectMany(a => a.GetTypes())
            .Where(t => t.Namespace?.StartsWith("SupportBot", StringComparison.Ordinal) == true || (t.Namespace is null && t.Name == "Program"))
            .Where(t => t.IsPublic || t.IsNotPublic || t.IsNestedPublic || t.IsNestedAssembly)
            .Where(t => !t.Name.Contains('<', StringComparison.Ordinal) && !t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false));

    private static string SimpleName(string name) => name.Split('`')[0];

    private static IEnumerable<string> PublicTypeNames(string assemblyFile)
    {
        using var stream = File.OpenRead(assemblyFile);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeDefinitions
            .Select(metadata.GetTypeDefinition)
            .Where(t => (t.Attributes & System.Reflection.TypeAttributes.VisibilityMask) is System.Reflection.TypeAttributes.Public or System.Reflection.TypeAttributes.NestedPublic)
            .Select(t => SimpleName(metadata.GetString(t.Name)))
            .ToList();
    }
}
