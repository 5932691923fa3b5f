using Microsoft.Extensions.Options;

namespace SupportBot.Web.Hosting;

/// <summary>How the host stops on SIGTERM (the <c>Shutdown</c> section).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// After SIGTERM, how long the host keeps serving while /readyz already says not ready, so a
    /// load balancer stops sending traffic before the host refuses it (Kubernetes: a few seconds).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The host's shutdown timeout (HostOptions.ShutdownTimeout): the drain and the turns in flight must end within it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks the shutdown settings, naming their keys.</summary>
public sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{ShutdownOptions.Section}:{nameof(ShutdownOptions.Timeout)}: use 00:00:01 to 00:10:00.");
        }

        if (options.DrainDelay < TimeSpan.Zero || options.DrainDelay >= options.Timeout)
        {
            failures.Add($"{ShutdownOptions.Section}:{nameof(ShutdownOptions.DrainDelay)}: use 00:00:00 up to less than {ShutdownOptions.Section}:{nameof(ShutdownOptions.Timeout)} ({options.Timeout}), which must leave time for the turns in flight.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
