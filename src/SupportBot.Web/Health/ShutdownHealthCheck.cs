using Microsoft.Extensions.Diagnostics.HealthChecks;
using SupportBot.Web.Hosting;

namespace SupportBot.Web.Health;

/// <summary>Not ready from the moment the host is told to stop, so the load balancer sends the traffic elsewhere.</summary>
public sealed class ShutdownHealthCheck(ShutdownState shutdown) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(shutdown.IsStopping
            ? HealthCheckResult.Unhealthy("The host is stopping.")
            : HealthCheckResult.Healthy("accepting work"));
}
