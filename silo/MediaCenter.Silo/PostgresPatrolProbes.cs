using System.Diagnostics;
using System.Globalization;
using Dapper;
using MediaCenter.Database;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Operations;
using MediaCenter.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>The patrol's view of PostgreSQL: schema, terminal read model, security alerts; and where reports go.</summary>
internal sealed class PostgresPatrolProbes(NpgsqlDataSource db, IOptions<DatabaseSettings> settings, PostgresEventLog events) : IPatrolProbes
{
    public async Task<PatrolCheck> DatabaseAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var status = await Migrator.GetStatusAsync(settings.Value.ConnectionString, cancellationToken);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var bytes = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT pg_database_size(current_database())", cancellationToken: cancellationToken));
        return new PatrolCheck("database", status.IsCurrent ? PatrolStatus.Ok : PatrolStatus.Failed,
            Msg.Of("ops.patrol.detail.database", ("current", status.CurrentVersion), ("required", status.RequiredVersion),
                ("size", (bytes / 1_048_576.0).ToString("0.0", CultureInfo.InvariantCulture)), ("ms", clock.ElapsedMilliseconds)));
    }

    public async Task<TerminalCensus> TerminalsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var c = await connection.QuerySingleAsync<CensusRow>(new CommandDefinition("""
            SELECT count(*)::int AS registered,
                   count(*) FILTER (WHERE health = 'Offline')::int AS offline,
                   count(*) FILTER (WHERE health IN ('Online', 'Degraded') AND deadline < @now - interval '1 minute')::int AS stale,
                   count(*) FILTER (WHERE inspection_due < @now)::int AS overdue_inspections,
                   count(*) FILTER (WHERE health = 'Offline' AND health_since < @now - interval '1 day')::int AS offline_over_a_day
              FROM mc.terminals
            """, new { now }, cancellationToken: cancellationToken));
        return new TerminalCensus(c.Registered, c.Offline, c.Stale, c.OverdueInspections, c.OfflineOverADay);
    }

    public async Task<long> SecurityAlertsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM mc.security_alerts WHERE occurred_at >= @since", new { since }, cancellationToken: cancellationToken));
    }

    public async Task<long> StoreAsync(PatrolReport report, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO mc.patrol_reports (started_at, finished_at, trigger, status, checks) VALUES (@started, @finished, @trigger, @status, @checks)
            RETURNING id
            """, new
        {
            started = report.StartedAt,
            finished = report.FinishedAt,
            trigger = report.Trigger,
            status = report.Status.ToString().ToLowerInvariant(),
            checks = SqlValue.Jsonb(report.Checks),
        }, transaction, cancellationToken: cancellationToken));

        // Each anomaly is an event with a dedup key, for the incident desk; the version is the report's id.
        var appended = new List<DomainEvent>();
        foreach (var check in report.Checks.Where(c => c.Status != PatrolStatus.Ok))
        {
            var anomaly = new PatrolAnomalyFound
            {
                EntityId = check.Name,
                Version = id,
                At = report.FinishedAt,
                DedupKey = "patrol:" + check.Name,
                Status = check.Status,
                Detail = check.Detail,
            };
            if (await events.AppendAsync(anomaly, connection, transaction, cancellationToken) is { } stored)
            {
                appended.Add(stored);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var e in appended)
        {
            await events.PublishAsync(e);
        }

        return id;
    }

    private sealed record CensusRow
    {
        public required int Registered { get; init; }

        public required int Offline { get; init; }

        public required int Stale { get; init; }

        public required int OverdueInspections { get; init; }

        public required int OfflineOverADay { get; init; }
    }
}
