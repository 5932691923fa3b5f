using Microsoft.Extensions.Options;
using SupportBot.Web.Storage;

namespace SupportBot.Web.Privacy;

/// <summary>
/// Deletes what outlived its retention, every <c>Privacy:SweepInterval</c>, on each replica: kind by
/// kind, in small batches with a pause between them, so turns keep their turn at the database.
/// </summary>
/// <remarks>
/// Replicas need no leader: each batch is one short statement (SQLite: one job of the file's single
/// writer; PostgreSQL: one transaction under an advisory lock that other replicas skip rather than
/// wait for), so two replicas sweeping at once only share the work.
/// </remarks>
public sealed class RetentionSweep(
    IServiceProvider services,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweep> logger) : BackgroundService
{
    /// <summary>Rows (Direct Line: conversations) deleted per statement.</summary>
    public const int BatchSize = 500;

    // Between two batches the writer (SQLite) or the pool (PostgreSQL) serves the turns.
    private static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SweepInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database that is away now is tried again at the next sweep; the turns report it.
                logger.LogWarning(ex, "Retention sweep failed; the next sweep, in {SweepInterval}, tries again", interval);
            }
        }
    }

    /// <summary>One sweep of every kind the provider can age; returns the rows deleted, by kind.</summary>
    public async Task<IReadOnlyDictionary<RetentionKind, int>> SweepAsync(CancellationToken cancellationToken)
    {
        var store = services.ChosenStore<IRetentionStore>()
            ?? throw new InvalidOperationException("The storage provider registers no retention store.");
        var deleted = new Dictionary<RetentionKind, int>();
        foreach (var kind in Enum.GetValues<RetentionKind>().Where(store.Kinds.Contains))
        {
            var retention = options.Value.For(kind);
            var cutoff = time.GetUtcNow() - retention;
            var total = 0;
            int batch;
            do
            {
                batch = await store.DeleteOlderThanAsync(kind, cutoff, BatchSize, cancellationToken);
                total += batch;
                if (batch > 0)
                {
                    RetentionMetrics.RowsDeleted(kind, batch);
                }

                if (batch >= BatchSize)
                {
                    await Task.Delay(PauseBetweenBatches, time, cancellationToken);
                }
            }
            while (batch >= BatchSize);

            deleted[kind] = total;
            if (total > 0)
            {
                logger.LogInformation("Retention deleted {Count} {Kind} rows older than {Retention} (before {Cutoff:o})", total, kind, retention, cutoff);
            }
        }

        return deleted;
    }
}
