namespace SupportBot.Cli;

/// <summary>The verb, its options (<c>--name value</c> or <c>--flag</c>) and its positional arguments.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _arguments = [];

    private CommandLine(string verb) => Verb = verb;

    public string Verb { get; }

    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>Options that take a value; any other <c>--name</c> is a flag.</summary>
    private static readonly HashSet<string> ValueOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "data", "model", "settings", "top", "report", "rankings", "pipeline", "folds", "languages", "locale",
    };

    public static CommandLine Parse(string[] args)
    {
        var line = new CommandLine(args.Length > 0 ? args[0].ToLowerInvariant() : "help");
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                line._arguments.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                string? value = null;
                var equals = name.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    value = name[(equals + 1)..];
                    name = name[..equals];
                }
                else if (ValueOptions.Contains(name))
                {
                    value = i + 1 < args.Length ? args[++i] : throw new UsageException($"--{name} needs a value.");
                }

                line._options[name] = value;
            }
            else
            {
                line._arguments.Add(arg);
            }
        }

        return line;
    }

    public string? Option(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public bool Flag(string name) => _options.ContainsKey(name);

    public int IntOption(string name, int fallback, int min, int max)
    {
        var text = Option(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max}.");
    }
}

/// <summary>The command line was wrong; the message says how.</summary>
public sealed class UsageException(string message) : Exception(message);
