using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SupportBot.Core.Classification;
using SupportBot.Web.Storage;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Classification;

/// <summary>How replicas on PostgreSQL follow the model retrained on any of them (the <c>Classifier:SharedModel</c> section).</summary>
public sealed class SharedModelOptions
{
    public const string Section = "Classifier:SharedModel";

    /// <summary>How often a replica asks the database for a newer model (it is also woken by a notification).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The model in service, shared by the replicas through the storage provider's
/// <see cref="ISharedModelSource"/> when it has one (PostgreSQL); with any other provider, the
/// host's own model file alone, as before.
/// </summary>
/// <remarks>
/// Every replica serves the newest model published for its own shipped training data (see
/// <see cref="IntentModelFile.ShippedDataFingerprint"/>): at start it downloads that one instead of
/// training, or publishes its own when there is none; a retraining publishes a new version; and a
/// background loop, woken by a notification or after <see cref="SharedModelOptions.PollInterval"/>,
/// puts a newer version in service without a restart. A download is checked against its SHA-256
/// and loaded before it replaces the local model file, so a bad one leaves the model in service.
/// While the database is away, the replica keeps answering with what it has and catches up later.
/// </remarks>
public sealed class SharedIntentModel(
    ReloadingIntentClassifier classifier,
    ClassifierFiles files,
    IOptions<SharedModelOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<SharedIntentModel> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lazy<ISharedModelSource?> _source = new(services.ChosenStore<ISharedModelSource>);
    private string? _trainingData;
    private string? _servedSha;
    private long _servedVersion;
    private long _rejectedVersion;
    private bool _unshared;
    private bool _failing;

    /// <summary>Whether models are shared through the database (a provider with an <see cref="ISharedModelSource"/>).</summary>
    public bool Enabled => _source.Value is not null;

    /// <summary>The database version of the model in service; 0 when it is not one from the database (yet).</summary>
    public long ServedVersion => Interlocked.Read(ref _servedVersion);

    /// <summary>Who publishes from this process, as recorded with a model.</summary>
    public static string Replica { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    private ISharedModelSource Store => _source.Value!;

    /// <summary>
    /// The first model: the newest published for this training data when there is one (no
    /// training), else the local file, trained when missing. Its publication, when none existed,
    /// is left to the first sync, which every replica runs at once.
    /// </summary>
    public async Task<IntentClassifier> LoadFirstAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Enabled)
            {
                _trainingData = await Task.Run(() => IntentModelFile.ShippedDataFingerprint(files.TrainingData), cancellationToken);
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    var newest = await Guarded(() => Store.NewestAsync(_trainingData, cancellationToken), cancellationToken);
                    if (newest is not null && await Guarded(() => DownloadAsync(newest, cancellationToken), cancellationToken) is { } downloaded)
                    {
                        Serve(newest, downloaded, publish: false);
                        return downloaded;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }

            var model = await Task.Run(() => IntentModelFile.LoadOrTrain(files.TrainingData, files.ModelPath, loggers), cancellationToken);
            _servedSha = Sha256OfFile(files.ModelPath);
            return model;
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    /// <summary>Puts a model retrained on this replica in service here, then publishes it to the other replicas.</summary>
    public async Task PutRetrainedInServiceAsync(IntentClassifier trained, TrainingMetrics metrics, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            classifier.Publish(trained);
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            classifier.Publish(trained);
            _servedSha = Sha256OfFile(files.ModelPath);
            _unshared = true;
            await Guarded(() => ShareAsync(metrics.Utterances, cancellationToken), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Looks for a newer model once and puts it in service; true when it did.</summary>
    public async Task<bool> SyncAsync(CancellationToken cancellationToken)
    {
        if (!Enabled || _trainingData is null)
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Guarded(() => SyncUnderGateAsync(cancellationToken), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        // A publication on any replica wakes this one at once; the poll alone would find it too, later.
        Store.MayHavePublished += Wake;
        try
        {
            await _started.Task.WaitAsync(stoppingToken);
            await PollAsync(stoppingToken);
        }
        finally
        {
            Store.MayHavePublished -= Wake;
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await SyncAsync(stoppingToken);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var woken = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
                await Task.WhenAny(woken, Task.Delay(options.Value.PollInterval, time, wait.Token));
                await wait.CancelAsync();
                _wake.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> SyncUnderGateAsync(CancellationToken cancellationToken)
    {
        if (_unshared)
        {
            await ShareAsync(IntentModelFile.ReadMetrics(files.ModelPath)?.Utterances ?? 0, cancellationToken);
        }

        var newest = await Store.NewestAsync(_trainingData!, cancellationToken);
        if (newest is null && _servedSha is not null)
        {
            // The first replica of this release: its model becomes everyone's (one row, however many race).
            var bytes = await File.ReadAllBytesAsync(files.ModelPath, cancellationToken);
            newest = await Store.PublishFirstAsync(bytes, _trainingData!, IntentModelFile.ReadMetrics(files.ModelPath)?.Utterances ?? 0, Replica, cancellationToken);
            if (newest.Sha256 == PublishedModel.Sha256Of(bytes))
            {
                Interlocked.Exchange(ref _servedVersion, newest.Version);
                _servedSha = newest.Sha256;
                logger.LogInformation("Published the intent model in service as version {ModelVersion} for training data {TrainingData}", newest.Version, _trainingData);
                return false;
            }
        }

        if (newest is null || newest.Version <= ServedVersion || newest.Version == _rejectedVersion)
        {
            return false;
        }

        if (newest.Sha256 == _servedSha)
        {
            // The same model already serves here (every replica of a release loaded the same file).
            Interlocked.Exchange(ref _servedVersion, newest.Version);
            return false;
        }

        if (await DownloadAsync(newest, cancellationToken) is not { } downloaded)
        {
            return false;
        }

        Serve(newest, downloaded, publish: true);
        return true;
    }

    private async Task ShareAsync(int utterances, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(files.ModelPath, cancellationToken);
        var published = await Store.PublishAsync(bytes, _trainingData!, utterances, Replica, cancellationToken);
        _unshared = false;
        _servedSha = published.Sha256;
        Interlocked.Exchange(ref _servedVersion, published.Version);
        logger.LogInformation(
            "Published the retrained intent model as version {ModelVersion} ({ModelBytes} bytes) for the other replicas", published.Version, published.ModelBytes);
    }

    /// <summary>The model of a version, checked and loaded, and written over the local model file; null (logged) when it is not sound.</summary>
    private async Task<IntentClassifier?> DownloadAsync(PublishedModel published, CancellationToken cancellationToken)
    {
        var bytes = await Store.ReadModelAsync(published.Version, cancellationToken);
        if (bytes is null || PublishedModel.Sha256Of(bytes) != published.Sha256)
        {
            Reject(published, "its bytes do not match its SHA-256", null);
            return null;
        }

        var directory = Path.GetDirectoryName(files.ModelPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(files.ModelPath)}.{Guid.NewGuid():N}.download");
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
            IntentClassifier model;
            try
            {
                model = IntentClassifier.Load(temporary);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
            {
                Reject(published, "it does not load", ex);
                return null;
            }

            // Moved over the model file only once it loaded: the watcher and a restart see a sound model.
            File.Move(temporary, files.ModelPath, overwrite: true);
            return model;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private void Serve(PublishedModel published, IntentClassifier model, bool publish)
    {
        classifier.Publish(model);
        _servedSha = published.Sha256;
        Interlocked.Exchange(ref _servedVersion, published.Version);
        logger.LogInformation(
            "Intent model version {ModelVersion} ({ModelBytes} bytes, {Utterances} utterances, published by {PublishedBy} at {PublishedAt:O}) in service{How}",
            published.Version,
            published.ModelBytes,
            published.Utterances,
            published.PublishedBy,
            published.CreatedAt,
            publish ? " without a restart" : " from the database at start");
    }

    private void Reject(PublishedModel published, string reason, Exception? exception)
    {
        _rejectedVersion = published.Version;
        logger.LogWarning(
            exception,
            "Intent model version {ModelVersion} published by {PublishedBy} not put in service: {Reason}; keeping version {ServedVersion}",
            published.Version,
            published.PublishedBy,
            reason,
            ServedVersion);
    }

    /// <summary>Runs a database step; a failure is logged once until a step succeeds again, and the model in service stays.</summary>
    private async Task<T?> Guarded<T>(Func<Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            var result = await step();
            if (_failing)
            {
                _failing = false;
                logger.LogInformation("The shared intent models are reachable again; serving version {ModelVersion}", ServedVersion);
            }

            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                if (DatabaseOutage.IsOutage(ex) || ex is DbException or TimeoutException)
                {
                    logger.LogWarning(ex, "Cannot reach the shared intent models; serving the model in service (version {ModelVersion}) until the database is back", ServedVersion);
                }
                else
                {
                    logger.LogError(ex, "Syncing the shared intent model failed; serving the model in service (version {ModelVersion})", ServedVersion);
                }
            }

            return default;
        }
    }

    private async Task Guarded(Func<Task> step, CancellationToken cancellationToken) =>
        await Guarded(async () => { await step(); return true; }, cancellationToken);

    private static string? Sha256OfFile(string path) =>
        File.Exists(path) ? PublishedModel.Sha256Of(File.ReadAllBytes(path)) : null;
}
