using System.Diagnostics;
using SupportBot.Core.Classification;

namespace SupportBot.Web.Classification;

/// <summary>
/// Loads the model file, or trains and saves one when there is none, off the start-up path (the
/// host serves /healthz at once and /readyz turns 200 when the model is in service), then watches
/// the file so a retrained model replaces this one without a restart. On PostgreSQL the first
/// model may come from the database instead (see <see cref="SharedIntentModel"/>).
/// </summary>
public sealed class IntentModelLoader(
    ReloadingIntentClassifier classifier,
    SharedIntentModel sharedModel,
    ClassifierFiles files,
    ILogger<IntentModelLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var model = await sharedModel.LoadFirstAsync(stoppingToken).WaitAsync(stoppingToken);
            classifier.Publish(model);
            logger.LogInformation(
                "Intent model {ModelPath} in service after {Seconds:F1} s ({Intents} intents)",
                files.ModelPath,
                stopwatch.Elapsed.TotalSeconds,
                model.Labels.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // Not fatal: the watcher below puts a model in service as soon as a valid file appears.
            logger.LogError(
                ex,
                "Could not load or train the intent model {ModelPath}; the host stays unready until a valid model file is written there",
                files.ModelPath);
        }

        classifier.StartWatching();

        // A model written while this one was loading.
        classifier.ReloadIfChanged();
    }
}
