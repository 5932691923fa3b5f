using Microsoft.Extensions.Logging;

namespace SupportBot.Core.Classification;

/// <summary>
/// The model file behind a stable <see cref="IIntentClassifier"/>: it watches the file and, when a
/// new model is written there (for example by <c>supportbot train</c>), loads it and swaps it in
/// atomically, so a host picks up a retrained model without a restart. A model that fails to load
/// keeps the previous one in service. Before the first model is published, <see cref="Rank"/>
/// waits for it (at most <see cref="FirstModelTimeout"/>) instead of failing at once.
/// </summary>
public sealed class ReloadingIntentClassifier : IIntentClassifier, IDisposable
{
    private readonly ILogger<ReloadingIntentClassifier> _logger;
    private readonly TimeSpan _debounce;
    private readonly TaskCompletionSource _firstModel = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reloadGate = new();
    private readonly Timer _debounceTimer;
    private IntentClassifier? _current;
    private FileStamp? _loadedStamp;
    private FileSystemWatcher? _watcher;
    private long _version;
    private bool _disposed;

    /// <param name="modelPath">The model file to watch.</param>
    /// <param name="logger">Where reloads and failed loads are reported.</param>
    /// <param name="debounce">
    /// How long the file must stay quiet before it is loaded: one write raises several file-system
    /// events, and a copy in progress is not a model yet. Half a second when not given.
    /// </param>
    public ReloadingIntentClassifier(string modelPath, ILogger<ReloadingIntentClassifier> logger, TimeSpan? debounce = null)
    {
        ModelPath = Path.GetFullPath(modelPath);
        _logger = logger;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(500);
        _debounceTimer = new Timer(_ => ReloadIfChanged(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public string ModelPath { get; }

    /// <summary>How long <see cref="Rank"/> waits for the first model before it gives up with a <see cref="TimeoutException"/>.</summary>
    public TimeSpan FirstModelTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a model is in service.</summary>
    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    /// <summary>How many models have been put in service so far (0 before the first); grows by one per swap.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes when the first model is in service.</summary>
    public Task WhenLoaded(CancellationToken cancellationToken = default) => _firstModel.Task.WaitAsync(cancellationToken);

    public IntentRanking Rank(string? text)
    {
        var model = Volatile.Read(ref _current);
        if (model is null)
        {
            if (!_firstModel.Task.Wait(FirstModelTimeout))
            {
                throw new TimeoutException(
                    $"The intent model '{ModelPath}' was not loaded within {FirstModelTimeout.TotalSeconds:0.#} s; it may still be training.");
            }

            model = Volatile.Read(ref _current)!;
        }

        return model.Rank(text);
    }

    /// <summary>
    /// Puts a model in service that was loaded (or trained and saved) from <see cref="ModelPath"/>
    /// elsewhere, e.g. by <see cref="IntentModelFile.LoadOrTrain"/>, so the watcher will not load
    /// the same file again.
    /// </summary>
    public void Publish(IntentClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        lock (_reloadGate)
        {
            Swap(classifier, FileStamp.Of(ModelPath));
        }
    }

    /// <summary>
    /// Loads the model file now when it differs (by last-write time and length) from the one in
    /// service. Returns whether a new model was put in service; a file that fails to load is
    /// logged as a warning and the model in service stays.
    /// </summary>
    public bool ReloadIfChanged()
    {
        if (!_reloadGate.TryEnter())
        {
            // A load is under way; look again once the file has been quiet for a while.
            ScheduleReload();
            return false;
        }

        try
        {
            if (_disposed)
            {
                return false;
            }

            var stamp = FileStamp.Of(ModelPath);
            if (stamp is null || stamp == _loadedStamp)
            {
                return false;
            }

            IntentClassifier loaded;
            try
            {
                loaded = IntentClassifier.Load(ModelPath);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogWarning(
                    ex,
                    "Could not load the intent model {ModelPath}; keeping the model in service (version {Version})",
                    ModelPath,
                    Version);
                return false;
            }

            Swap(loaded, stamp);
            _logger.LogInformation("Loaded the intent model {ModelPath} ({ModelBytes} bytes, version {Version})", ModelPath, stamp.Value.Length, Version);
            return true;
        }
        finally
        {
            _reloadGate.Exit();
        }
    }

    /// <summary>Starts watching the model file's folder; every change is loaded once the file has been quiet for the debounce time.</summary>
    public void StartWatching()
    {
        lock (_reloadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watcher is not null)
            {
                return;
            }

            var directory = Path.GetDirectoryName(ModelPath)!;
            Directory.CreateDirectory(directory);
            _watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.Error += (_, e) =>
            {
                // Events may have been lost (buffer overflow): look at the file itself.
                _logger.LogWarning(e.GetException(), "Watching {ModelPath} reported an error; checking the file", ModelPath);
                ScheduleReload();
            };
            _watcher.EnableRaisingEvents = true;
        }

        _logger.LogInformation("Watching {ModelPath} for retrained models", ModelPath);
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
        }

        _debounceTimer.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        // A model is written beside its final name and moved over it (IntentClassifier.Save), so
        // the event that matters may be a rename to the model's name.
        if (string.Equals(e.FullPath, ModelPath, StringComparison.Ordinal))
        {
            ScheduleReload();
        }
    }

    private void ScheduleReload()
    {
        try
        {
            _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while an event was in flight.
        }
    }

    private void Swap(IntentClassifier classifier, FileStamp? stamp)
    {
        Interlocked.Exchange(ref _current, classifier);
        _loadedStamp = stamp;
        Interlocked.Increment(ref _version);
        _firstModel.TrySetResult();
    }

    private readonly record struct FileStamp(DateTime LastWriteUtc, long Length)
    {
        public static FileStamp? Of(string path)
        {
            var file = new FileInfo(path);
            return file.Exists ? new FileStamp(file.LastWriteTimeUtc, file.Length) : null;
        }
    }
}
