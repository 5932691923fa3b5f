using Microsoft.Bot.Builder;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SupportBot.Web.Health;

/// <summary>Ready when the bot's storage answers a real read (of a key that need not exist): with SQLite or PostgreSQL, the database is reachable.</summary>
public sealed class StorageHealthCheck(IStorage storage, ILogger<StorageHealthCheck> logger) : IHealthCheck
{
    private static readonly string[] ProbeKeys = ["supportbot/readiness-probe"];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.ReadAsync(ProbeKeys, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The storage readiness read failed");
            return HealthCheckResult.Unhealthy($"The storage did not answer a read: the database is not reachable ({ex.GetType().Name}).");
        }
    }
}
