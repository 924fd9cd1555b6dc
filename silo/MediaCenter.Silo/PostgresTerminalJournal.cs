using Dapper;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Terminals;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>Writes terminal state to mc.terminals and terminal events to the event log.</summary>
internal sealed class PostgresTerminalJournal(NpgsqlDataSource db, PostgresEventLog events) : ITerminalJournal
{
    public async Task RecordStateAsync(TerminalSnapshot s, CancellationToken cancellationToken = default)
    {
        if (s.Registration is not { } r)
        {
            return;
        }

        // Versions only move forward: a late write of an older snapshot changes nothing.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.terminals (id, party_id, name, kind, region, health, health_since, last_seen, deadline, degraded_because,
                last_inspection_at, inspection_due, flap_count, version, updated_at, application_code)
            VALUES (@id, @party, @name, @kind, @region, @health, @since, @seen, @deadline, @degraded, @inspected, @due, @flaps, @version, now(), @application)
            ON CONFLICT (id) DO UPDATE SET
                party_id = EXCLUDED.party_id, name = EXCLUDED.name, kind = EXCLUDED.kind, region = EXCLUDED.region,
                health = EXCLUDED.health, health_since = EXCLUDED.health_since, last_seen = EXCLUDED.last_seen,
                deadline = EXCLUDED.deadline, degraded_because = EXCLUDED.degraded_because,
                last_inspection_at = EXCLUDED.last_inspection_at, inspection_due = EXCLUDED.inspection_due,
                flap_count = EXCLUDED.flap_count, version = EXCLUDED.version, updated_at = now(),
                application_code = EXCLUDED.application_code
            WHERE mc.terminals.version <= EXCLUDED.version
            """, new
        {
            id = s.Id,
            party = r.PartyId,
            name = r.Name,
            kind = r.Kind.ToString(),
            region = r.Region,
            health = s.Health.ToString(),
            since = s.HealthSince,
            seen = s.LastSeen,
            deadline = s.Deadline,
            degraded = s.DegradedBecause.ToArray(),
            inspected = s.LastInspectionAt,
            due = s.InspectionDue,
            flaps = s.FlapCount,
            version = s.Version,
            application = r.Application(),
        }, cancellationToken: cancellationToken));
    }

    public Task RecordEventAsync(TerminalEvent e, CancellationToken cancellationToken = default) =>
        events.AppendAsync(new TerminalAlerted
        {
            EntityId = e.TerminalId,
            Version = e.Version,
            At = e.At,
            Kind = e.Type,
            PartyId = e.PartyId,
            DedupKey = e.DedupKey,
            Reason = e.Reason,
            Application = e.Application,
        }, cancellationToken);

    public Task RecordInspectionAsync(TerminalInspected inspection, CancellationToken cancellationToken = default) =>
        events.AppendAsync(inspection, cancellationToken);

    public async Task RecordTelemetryAsync(TelemetryBucket b, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.terminal_telemetry (terminal_id, bucket_start, samples, cpu_avg, cpu_max, mem_avg, disk_avg, temp_max)
            VALUES (@id, @start, @samples, @cpuAvg, @cpuMax, @memAvg, @diskAvg, @tempMax)
            ON CONFLICT (terminal_id, bucket_start) DO UPDATE SET
                samples = EXCLUDED.samples, cpu_avg = EXCLUDED.cpu_avg, cpu_max = EXCLUDED.cpu_max, mem_avg = EXCLUDED.mem_avg,
                disk_avg = EXCLUDED.disk_avg, temp_max = EXCLUDED.temp_max
            WHERE mc.terminal_telemetry.samples <= EXCLUDED.samples
            """, new
        {
            id = b.TerminalId,
            start = b.Start,
            samples = b.Samples,
            cpuAvg = b.CpuAvg,
            cpuMax = b.CpuMax,
            memAvg = b.MemoryAvg,
            diskAvg = b.DiskAvg,
            tempMax = b.TemperatureMax,
        }, cancellationToken: cancellationToken));
    }

    public async Task RecordActivityAsync(TerminalActivity a, CancellationToken cancellationToken = default)
    {
        // Counters only grow within a day: a late or repeated write never lowers them.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.terminal_activity (terminal_id, day, party_id, heartbeats, sessions, interactions, screen_on_seconds, updated_at)
            VALUES (@id, @day, @party, @hb, @sessions, @interactions, @screen, now())
            ON CONFLICT (terminal_id, day) DO UPDATE SET
                heartbeats = GREATEST(mc.terminal_activity.heartbeats, EXCLUDED.heartbeats),
                sessions = GREATEST(mc.terminal_activity.sessions, EXCLUDED.sessions),
                interactions = GREATEST(mc.terminal_activity.interactions, EXCLUDED.interactions),
                screen_on_seconds = GREATEST(mc.terminal_activity.screen_on_seconds, EXCLUDED.screen_on_seconds),
                updated_at = now()
            """, new
        {
            id = a.TerminalId,
            day = a.Day,
            party = a.PartyId,
            hb = a.Heartbeats,
            sessions = a.Sessions,
            interactions = a.Interactions,
            screen = a.ScreenOnSeconds,
        }, cancellationToken: cancellationToken));
    }
}
