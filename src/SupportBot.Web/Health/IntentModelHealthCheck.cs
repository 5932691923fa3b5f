using Microsoft.Extensions.Diagnostics.HealthChecks;
using SupportBot.Core.Classification;

namespace SupportBot.Web.Health;

/// <summary>
/// Ready once a model is in service. Loading or training at start is an expected state, not a
/// failure: it is reported as degraded, which /readyz answers with a 503 all the same.
/// </summary>
public sealed class IntentModelHealthCheck(ReloadingIntentClassifier classifier) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(classifier.IsLoaded
            ? HealthCheckResult.Healthy($"model version {classifier.Version}")
            : HealthCheckResult.Degraded("The intent model is still loading or training."));
}
