using Dapper;
using MediaCenter.Grains.Terminals;
using Npgsql;

namespace MediaCenter.Web.Terminals;

/// <summary>A row of the terminal read model (mc.terminals).</summary>
public sealed record TerminalRow(string Id, string PartyId, string Name, string Kind, string Region, string Health,
    DateTimeOffset? HealthSince, DateTimeOffset? LastSeen, DateTimeOffset? Deadline, IReadOnlyList<string> DegradedBecause,
    DateTimeOffset? LastInspectionAt, DateTimeOffset? InspectionDue, int FlapCount, long Version, string ApplicationCode);

/// <summary>One terminal's usage on one day.</summary>
public sealed record ActivityRow(string TerminalId, string PartyId, DateOnly Day, int Heartbeats, int Sessions, int Interactions, int ScreenOnSeconds);

/// <summary>One telemetry bucket (averages and peaks).</summary>
public sealed record TelemetryPoint(DateTimeOffset Start, int Samples, double? CpuAvg, double? CpuMax, double? MemoryAvg, double? DiskAvg, double? TemperatureMax);

/// <summary>A terminal alert or recovery from the event log.</summary>
public sealed record TerminalAlert(long Id, DateTimeOffset At, string TerminalId, string Type, string? DedupKey, string? Reason);

/// <summary>Lists and look-ups of terminals from the read model the terminal grains keep current.</summary>
public sealed class TerminalDirectory(NpgsqlDataSource db)
{
    private const string Columns = """
        id, party_id, name, kind, region, health, health_since, last_seen, deadline, degraded_because,
        last_inspection_at, inspection_due, flap_count, version, application_code
        """;

    /// <summary>Terminals, optionally of one party, health and region.</summary>
    public async Task<IReadOnlyList<TerminalRow>> ListAsync(string? partyId, string? health, string? region, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TerminalRow>(new CommandDefinition($"""
            SELECT {Columns} FROM mc.terminals
             WHERE (@party::text IS NULL OR party_id = @party) AND (@health::text IS NULL OR health = @health)
               AND (@region::text IS NULL OR region = @region)
             ORDER BY id
             LIMIT 10000
            """, new { party = partyId, health, region }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Terminals whose full inspection is overdue at <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<TerminalRow>> OverdueInspectionsAsync(string? partyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TerminalRow>(new CommandDefinition($"""
            SELECT {Columns} FROM mc.terminals
             WHERE (@party::text IS NULL OR party_id = @party) AND inspection_due < @now
             ORDER BY inspection_due
            """, new { party = partyId, now }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Daily usage (使用活跃度) in a date range, optionally of one party.</summary>
    public async Task<IReadOnlyList<ActivityRow>> ActivityAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ActivityRow>(new CommandDefinition("""
            SELECT terminal_id, party_id, day, heartbeats, sessions, interactions, screen_on_seconds FROM mc.terminal_activity
             WHERE (@party::text IS NULL OR party_id = @party) AND day BETWEEN @from AND @to
             ORDER BY day, terminal_id
             LIMIT 100000
            """, new { party = partyId, from, to }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Telemetry history of a terminal since a time, oldest first.</summary>
    public async Task<IReadOnlyList<TelemetryPoint>> TelemetryAsync(string id, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TelemetryPoint>(new CommandDefinition("""
            SELECT bucket_start AS start, samples, cpu_avg, cpu_max, mem_avg AS memory_avg, disk_avg, temp_max AS temperature_max
              FROM mc.terminal_telemetry
             WHERE terminal_id = @id AND bucket_start >= @since ORDER BY bucket_start LIMIT 5000
            """, new { id, since }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The latest terminal alerts and recoveries, optionally of one party, newest first.</summary>
    public async Task<IReadOnlyList<TerminalAlert>> AlertsAsync(string? partyId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TerminalAlert>(new CommandDefinition("""
            SELECT id, occurred_at AS at, entity_id AS terminal_id, event_type AS type, payload->>'dedupKey' AS dedup_key, payload->>'reason' AS reason
              FROM mc.event_log
             WHERE entity_type = 'terminal' AND (@party::text IS NULL OR payload->>'partyId' = @party)
             ORDER BY id DESC LIMIT @limit
            """, new { party = partyId, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The owning access party of a terminal, or null when it is not registered.</summary>
    public async Task<string?> PartyOfAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT party_id FROM mc.terminals WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
