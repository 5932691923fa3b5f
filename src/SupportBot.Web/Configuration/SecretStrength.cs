using System.Data.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Configuration;

/// <summary>
/// Refuses a placeholder or weak secret, key or password at start outside Development, naming the
/// setting: an unedited <c>deploy/.env</c> would otherwise give the world a working key. In
/// Development the same value only draws a warning, so local runs keep their short dev values.
/// </summary>
public sealed class SecretStrength(IHostEnvironment environment, ILogger<SecretStrength> logger)
{
    /// <summary>Keys and secrets outside Development are at least this long (<c>openssl rand -hex 32</c> gives 64).</summary>
    public const int MinimumSecretLength = 32;

    /// <summary>A secret with fewer different characters than this is a pattern, not a random value.</summary>
    public const int MinimumDistinctCharacters = 6;

    // deploy/.env.example's values all start with change-me; the others are how placeholders are usually spelt.
    private static readonly string[] PlaceholderPrefixes = ["change-me", "changeme", "change_me", "replace-me", "replaceme", "your-", "your_"];

    // Placeholders the READMEs and docs show in commands, and the classics.
    private static readonly HashSet<string> KnownExamples = new(StringComparer.OrdinalIgnoreCase)
    {
        "SECRET", "KEY", "APP_ID", "PASSWORD", "...", "password", "secret", "admin", "letmein", "test", "example",
        "0123456789abcdef0123456789abcdef", "00000000000000000000000000000000",
    };

    /// <summary>What is wrong with the value as a secret of at least <paramref name="minimumLength"/> characters; null when nothing is.</summary>
    public static string? Weakness(string value, int minimumLength)
    {
        var trimmed = value.Trim();
        if (PlaceholderPrefixes.Any(p => trimmed.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            return "is a placeholder, as shipped in deploy/.env.example";
        }

        if (KnownExamples.Contains(trimmed))
        {
            return "is an example value from the documentation";
        }

        if (trimmed.Length < minimumLength)
        {
            return $"is too weak: use at least {minimumLength} random characters";
        }

        var distinct = trimmed.Distinct().Count();
        return distinct == 1 ? "is too weak: one character repeated"
            : distinct < Math.Min(MinimumDistinctCharacters, minimumLength) ? $"is too weak: fewer than {MinimumDistinctCharacters} different characters"
            : null;
    }

    /// <summary>Adds a failure for a weak non-empty value outside Development; in Development logs a warning instead.</summary>
    public void Check(ICollection<string> failures, string setting, string? value, int minimumLength = MinimumSecretLength)
    {
        if (string.IsNullOrEmpty(value) || Weakness(value, minimumLength) is not { } weakness)
        {
            return;
        }

        if (environment.IsDevelopment())
        {
            logger.LogWarning("{Setting} {Weakness}; accepted in Development only, any other environment refuses to start", setting, weakness);
            return;
        }

        failures.Add($"{setting}: the value {weakness}; generate one, e.g. `openssl rand -hex 32`.");
    }
}

/// <summary>The secrets no options class of this host owns: the database password and the Bot Framework app password.</summary>
public sealed class HostSecrets
{
    public const string ConnectionString = "ConnectionStrings:SupportBot";

    public const string AppPassword = "MicrosoftAppPassword";
}

/// <summary>Registers <see cref="SecretStrength"/> and checks the secrets outside the options classes at start.</summary>
public static class SecretChecks
{
    public static IServiceCollection AddSecretChecks(this IServiceCollection services)
    {
        services.TryAddSingleton<SecretStrength>();
        services.AddSingleton<IValidateOptions<HostSecrets>, HostSecretsValidator>();
        services.AddOptions<HostSecrets>().ValidateOnStart();
        return services;
    }

    /// <summary>Placeholders only: these passwords are issued by PostgreSQL's owner and by Entra ID, whose rules on length are theirs.</summary>
    private sealed class HostSecretsValidator(IConfiguration configuration, SecretStrength strength) : IValidateOptions<HostSecrets>
    {
        public ValidateOptionsResult Validate(string? name, HostSecrets options)
        {
            var failures = new List<string>();
            strength.Check(failures, HostSecrets.AppPassword, configuration[HostSecrets.AppPassword], minimumLength: 0);
            strength.Check(failures, $"{HostSecrets.ConnectionString} (Password)", DatabasePassword(configuration[HostSecrets.ConnectionString]), minimumLength: 0);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static string? DatabasePassword(string? connectionString)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                return null;
            }

            try
            {
                var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
                return parts.TryGetValue("Password", out var password) ? password as string : null;
            }
            catch (ArgumentException)
            {
                // A malformed string is the storage settings' to report, without echoing it.
                return null;
            }
        }
    }
}
