using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Cli;

/// <summary>
/// The web host's configuration as the CLI reads it, so that <c>ask</c> and <c>evaluate</c> decide as
/// the bot and the REST API do: the host's <c>appsettings.json</c>, then
/// <c>appsettings.{environment}.json</c>, then environment variables of the same names
/// (<c>Classifier__Decision__AnswerThreshold</c>), in the host's order.
/// </summary>
public static class HostSettings
{
    public const string FileName = "appsettings.json";

    /// <summary>
    /// The configured file when given, else the host's file found from the training data as the host
    /// finds the data: beside it (the image: <c>/app/appsettings.json</c> by <c>/app/training-data</c>)
    /// or in the web project of the checkout it is in; null when there is none (defaults and environment only).
    /// </summary>
    public static string? Locate(string? configured, TrainingDataPaths data)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            return File.Exists(full) ? full : throw new UsageException($"The settings file '{full}' does not exist.");
        }

        var root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(data.Root));
        return root is null
            ? null
            : new[] { Path.Combine(root, FileName), Path.Combine(root, "src", "SupportBot.Web", FileName) }.FirstOrDefault(File.Exists);
    }

    public static IConfiguration Load(string? file)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                ?? "Production";
            var directory = Path.GetDirectoryName(file)!;
            builder.AddJsonFile(file, optional: false)
                .AddJsonFile(Path.Combine(directory, $"appsettings.{environment}.json"), optional: true);
        }

        return builder.AddEnvironmentVariables().Build();
    }

    /// <summary>The <c>Classifier:Decision</c> thresholds, checked as the host checks them at start.</summary>
    public static DecisionOptions Decision(IConfiguration settings)
    {
        var options = new DecisionOptions();
        settings.GetSection(DecisionOptions.Section).Bind(options);
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(
                DecisionOptions.Section, typeof(DecisionOptions), errors.Select(e => $"{DecisionOptions.Section}: {e.ErrorMessage}"));
        }

        return options;
    }
}
