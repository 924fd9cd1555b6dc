using MediaCenter.Database;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting;

/// <summary>Ready only when PostgreSQL answers and its schema is the version this build needs.</summary>
internal sealed class DatabaseHealthCheck(IOptions<DatabaseSettings> settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var status = await Migrator.GetStatusAsync(settings.Value.ConnectionString, timeout.Token);
            return status.IsCurrent
                ? HealthCheckResult.Healthy($"schema version {status.CurrentVersion}")
                : HealthCheckResult.Unhealthy($"schema version {status.CurrentVersion}, this build needs {status.RequiredVersion}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", ex);
        }
    }
}
