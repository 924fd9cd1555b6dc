using MediaCenter.Grains.Terminals;
using Npgsql;
using Prometheus;

namespace MediaCenter.Silo;

/// <summary>
/// <c>mediacenter_terminals{health}</c>: the fleet by health, read from the read model <c>mc.terminals</c> when
/// Prometheus scrapes (one small grouped count, only as often as the scrapes come). Every silo reports the same
/// numbers; dashboards and alerts take the <c>max</c> over silos. Every health is published from the start, at zero.
/// </summary>
internal sealed partial class TerminalCensusMetric(NpgsqlDataSource db, ILogger<TerminalCensusMetric> logger) : IHostedService
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    private static readonly Gauge Terminals = Metrics.CreateGauge(
        "mediacenter_terminals", "Registered terminals by health (unknown, online, degraded, offline, maintenance), as mc.terminals shows them.",
        new GaugeConfiguration { LabelNames = ["health"] });

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var health in Enum.GetValues<TerminalHealth>())
        {
            Terminals.WithLabels(health.ToString().ToLowerInvariant()).Set(0);
        }

        Metrics.DefaultRegistry.AddBeforeCollectCallback(RefreshAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            var counts = Enum.GetValues<TerminalHealth>().ToDictionary(h => h.ToString(), _ => 0L);
            await using var command = db.CreateCommand("SELECT health, count(*) FROM mc.terminals GROUP BY health");
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            while (await reader.ReadAsync(timeout.Token))
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }

            foreach (var (health, count) in counts)
            {
                Terminals.WithLabels(health.ToLowerInvariant()).Set(count);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // The scrape still answers (the other metrics matter most when the database is away); the counts keep
            // their last values, and /health/ready reports the database.
            LogRefreshFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count terminals by health for /metrics: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
