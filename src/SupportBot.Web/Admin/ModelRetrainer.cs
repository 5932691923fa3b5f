using SupportBot.Bot.Insights;
using SupportBot.Core.Classification;
using SupportBot.Core.Evaluation;
using SupportBot.Core.Knowledge;
using SupportBot.Web.Classification;

namespace SupportBot.Web.Admin;

/// <summary>Where a retraining is, for the dashboard: its state, and the held-out top-1 accuracy of the model before and after.</summary>
public sealed record RetrainStatus(
    string State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Step,
    double? AccuracyBefore,
    double? AccuracyAfter,
    int? TrainingUtterances,
    string? Error)
{
    public const string Idle = "idle";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>
/// Retrains the classifier from training-data/ (review/ included) while the host keeps answering
/// with the current model: one run at a time, in the background. Training is the CLI's own entry
/// point (<see cref="IntentModelFile.TrainAndSave"/>), which writes the model file atomically; the
/// new model is then put in service at once, and published to the other replicas on PostgreSQL
/// (<see cref="SharedIntentModel"/>), after adding to this replica's review file the assignments
/// made on the others. Both models are measured on the held-out set.
/// </summary>
public sealed class ModelRetrainer(
    ClassifierFiles files,
    ReloadingIntentClassifier classifier,
    SharedIntentModel sharedModel,
    IQuestionInsights insights,
    DecisionPolicy policy,
    ILoggerFactory loggers,
    TimeProvider time,
    ILogger<ModelRetrainer> logger)
{
    // Assignments are read a page at a time; only those an admin made are read at all.
    private const int AssignmentPageSize = 500;

    private readonly Lock _lock = new();
    private RetrainStatus _status = new(RetrainStatus.Idle, null, null, null, null, null, null, null);
    private Task _run = Task.CompletedTask;

    public RetrainStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>The run under way (or the last one), for tests and shutdown.</summary>
    public Task Completion
    {
        get
        {
            lock (_lock)
            {
                return _run;
            }
        }
    }

    /// <summary>Starts a retraining; false when one is already running.</summary>
    public bool TryStart()
    {
        lock (_lock)
        {
            if (_status.State == RetrainStatus.Running)
            {
                return false;
            }

            _status = new RetrainStatus(RetrainStatus.Running, time.GetUtcNow(), null, "measuring the current model", null, null, null, null);
            _run = Task.Run(RunAsync);
            return true;
        }
    }

    private async Task RunAsync()
    {
        try
        {
            logger.LogInformation("Retraining {ModelPath} from {DataPath}", files.ModelPath, files.TrainingData.Root);
            if (sharedModel.Enabled)
            {
                await GatherAssignmentsAsync();
            }

            var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(files.TrainingData);
            var training = TrainingDataLoader.LoadTraining(files.TrainingData, knowledgeBase);
            var heldOut = TrainingDataLoader.LoadHeldOut(files.TrainingData, knowledgeBase, training);

            var before = HeldOutAccuracy(classifier, heldOut);
            logger.LogInformation("Held-out top-1 accuracy of the model in service: {Accuracy:P1}", before);
            Update(s => s with { Step = "training", AccuracyBefore = before, TrainingUtterances = training.Count });

            var (trained, metrics) = IntentModelFile.TrainAndSave(files.TrainingData, files.ModelPath, loggers);
            Update(s => s with { Step = "measuring the new model" });
            var after = HeldOutAccuracy(trained, heldOut);
            Update(s => s with { Step = "putting the new model in service" });
            await sharedModel.PutRetrainedInServiceAsync(trained, metrics, CancellationToken.None);

            logger.LogInformation(
                "Retrained on {Utterances} utterances in {Seconds:F1} s and put in service; held-out top-1 accuracy {Before:P1} before, {After:P1} after",
                metrics.Utterances,
                metrics.TrainingSeconds,
                before,
                after);
            Update(s => s with { State = RetrainStatus.Succeeded, Step = null, AccuracyAfter = after, TrainingUtterances = metrics.Utterances, FinishedAt = time.GetUtcNow() });
        }
        catch (Exception ex)
        {
            // Training data a reviewer must fix (KnowledgeBaseException) or a failure to train or
            // save: the model in service stays, and the dashboard says why.
            logger.LogError(ex, "Retraining failed; the model in service stays");
            var error = ex is KnowledgeBaseException ? ex.Message : $"Training failed: {ex.Message}";
            Update(s => s with { State = RetrainStatus.Failed, Step = null, Error = error, FinishedAt = time.GetUtcNow() });
        }
    }

    /// <summary>
    /// Adds to this replica's review file the questions assigned on the dashboard of any replica
    /// (the shared database knows them all), so that a retraining behind a load balancer learns
    /// every assignment, not only those that happened to reach this replica.
    /// </summary>
    private async Task GatherAssignmentsAsync()
    {
        Update(s => s with { Step = "gathering the assignments made on every replica" });
        var now = time.GetUtcNow();
        var reviewed = new List<AskedQuestion>();
        await foreach (var question in insights.EnumerateAsync(now.AddDays(-DashboardApi.MaxDays), now.AddDays(1), QuestionFilter.Reviewed, AssignmentPageSize))
        {
            reviewed.Add(question);
        }

        var assigned = reviewed.GroupBy(q => q.ReviewedAs!, StringComparer.Ordinal);
        var added = 0;
        await DashboardApi.ReviewFileLock.WaitAsync();
        try
        {
            foreach (var intent in assigned)
            {
                added += ReviewFile.Append(files.TrainingData, intent.Key, intent.Select(q => q.Text)).Count;
            }
        }
        finally
        {
            DashboardApi.ReviewFileLock.Release();
        }

        logger.LogInformation("{Added} utterances assigned on other replicas added to {ReviewFile}", added, ReviewFile.PathIn(files.TrainingData));
    }

    private double HeldOutAccuracy(IIntentClassifier model, IReadOnlyList<LabeledUtterance> heldOut)
    {
        var ranked = heldOut.Select(u => (u, model.Rank(u.Text))).ToList();
        return Math.Round(Evaluator.Evaluate("held-out", ranked, policy).Top1Accuracy, 4);
    }

    private void Update(Func<RetrainStatus, RetrainStatus> change)
    {
        lock (_lock)
        {
            _status = change(_status);
        }
    }
}
