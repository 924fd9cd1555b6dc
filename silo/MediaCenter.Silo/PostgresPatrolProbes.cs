using System.Diagnostics;
using MediaCenter.Database;
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
        await using var size = db.CreateCommand("SELECT pg_database_size(current_database())");
        var bytes = (long)(await size.ExecuteScalarAsync(cancellationToken))!;
        return new PatrolCheck("database", status.IsCurrent ? PatrolStatus.Ok : PatrolStatus.Failed,
            $"schema {status.CurrentVersion}/{status.RequiredVersion}, {bytes / 1_048_576.0:0.0} MB, answered in {clock.ElapsedMilliseconds} ms");
    }

    public async Task<TerminalCensus> TerminalsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*)::int,
                   count(*) FILTER (WHERE health = 'Offline')::int,
                   count(*) FILTER (WHERE health IN ('Online', 'Degraded') AND deadline < @now - interval '1 minute')::int,
                   count(*) FILTER (WHERE inspection_due < @now)::int,
                   count(*) FILTER (WHERE health = 'Offline' AND health_since < @now - interval '1 day')::int
              FROM mc.terminals
            """);
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new TerminalCensus(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
    }

    public async Task<long> SecurityAlertsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM mc.security_alerts WHERE occurred_at >= @since");
        command.Parameters.AddWithValue("since", since);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> StoreAsync(PatrolReport report, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO mc.patrol_reports (started_at, finished_at, trigger, status, checks) VALUES (@started, @finished, @trigger, @status, @checks)
            RETURNING id
            """, connection, transaction);
        insert.Parameters.AddWithValue("started", report.StartedAt);
        insert.Parameters.AddWithValue("finished", report.FinishedAt);
        insert.Parameters.AddWithValue("trigger", report.Trigger);
        insert.Parameters.AddWithValue("status", report.Status.ToString().ToLowerInvariant());
        insert.Parameters.Add(Sql.Jsonb("checks", report.Checks));
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;

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
}
