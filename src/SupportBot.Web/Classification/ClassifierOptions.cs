using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;

namespace SupportBot.Web.Classification;

/// <summary>
/// Where the training data and the model file are (the <c>Classifier</c> section). Relative paths
/// are taken from the content root. The decision thresholds are <see cref="DecisionOptions"/>
/// (<c>Classifier:Decision</c>).
/// </summary>
public sealed class ClassifierOptions
{
    public const string Section = "Classifier";

    /// <summary>The <c>training-data/</c> folder; when empty, the nearest one above the content root.</summary>
    public string? TrainingDataPath { get; set; }

    /// <summary>The model file; when empty, <c>models/intent-model.zip</c> beside the training data.</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Where the dashboard writes the questions an admin assigns (and training reads them); when
    /// empty, <c>review/</c> in the training data. Must be writable: in a container, on the data volume.
    /// </summary>
    public string? ReviewPath { get; set; }

    /// <summary>How long a request waits for the first model (it may be training) before it gets a 503.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FirstModelTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the model file must stay quiet after a change before it is reloaded.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>The training data and model file the host uses, resolved from <see cref="ClassifierOptions"/>.</summary>
public sealed record ClassifierFiles(TrainingDataPaths TrainingData, string ModelPath)
{
    /// <exception cref="KnowledgeBaseException">The training data folder does not exist or cannot be found.</exception>
    public static ClassifierFiles Resolve(ClassifierOptions options, string contentRoot)
    {
        var data = TrainingDataPaths.Locate(
            string.IsNullOrWhiteSpace(options.TrainingDataPath) ? null : Path.Combine(contentRoot, options.TrainingDataPath),
            startDirectory: contentRoot);
        if (!string.IsNullOrWhiteSpace(options.ReviewPath))
        {
            data = data with { Review = Path.GetFullPath(Path.Combine(contentRoot, options.ReviewPath)) };
        }

        var model = string.IsNullOrWhiteSpace(options.ModelPath)
            ? IntentModelFile.DefaultPath(data)
            : Path.GetFullPath(Path.Combine(contentRoot, options.ModelPath));
        return new ClassifierFiles(data, model);
    }
}

/// <summary>Fails the start when the training data cannot be found, naming the key to set.</summary>
public sealed class ClassifierFilesValidator(IHostEnvironment environment) : IValidateOptions<ClassifierOptions>
{
    public ValidateOptionsResult Validate(string? name, ClassifierOptions options)
    {
        try
        {
            ClassifierFiles.Resolve(options, environment.ContentRootPath);
            return ValidateOptionsResult.Success;
        }
        catch (KnowledgeBaseException ex)
        {
            return ValidateOptionsResult.Fail($"{ClassifierOptions.Section}:{nameof(ClassifierOptions.TrainingDataPath)}: {ex.Message}");
        }
    }
}
