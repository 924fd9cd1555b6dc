using MediaCenter.Grains.Terminals;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Web.Terminals;

/// <summary>A row of the terminal read model (mc.terminals).</summary>
public sealed record TerminalRow(string Id, string PartyId, string Name, string Kind, string Region, string Health,
    DateTimeOffset? HealthSince, DateTimeOffset? LastSeen, DateTimeOffset? Deadline, IReadOnlyList<string> DegradedBecause,
    DateTimeOffset? LastInspectionAt, DateTimeOffset? InspectionDue, int FlapCount, long Version);

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
        last_inspection_at, inspection_due, flap_count, version
        """;

    /// <summary>Terminals, optionally of one party, health and region.</summary>
    public async Task<IReadOnlyList<TerminalRow>> ListAsync(string? partyId, string? health, string? region, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM mc.terminals
             WHERE (@party::text IS NULL OR party_id = @party) AND (@health::text IS NULL OR health = @health)
               AND (@region::text IS NULL OR region = @region)
             ORDER BY id
             LIMIT 10000
            """);
        command.Parameters.Add(Text("party", partyId));
        command.Parameters.Add(Text("health", health));
        command.Parameters.Add(Text("region", region));
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Terminals whose full inspection is overdue at <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<TerminalRow>> OverdueInspectionsAsync(string? partyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM mc.terminals
             WHERE (@party::text IS NULL OR party_id = @party) AND inspection_due < @now
             ORDER BY inspection_due
            """);
        command.Parameters.Add(Text("party", partyId));
        command.Parameters.AddWithValue("now", now);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Daily usage (使用活跃度) in a date range, optionally of one party.</summary>
    public async Task<IReadOnlyList<ActivityRow>> ActivityAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT terminal_id, party_id, day, heartbeats, sessions, interactions, screen_on_seconds FROM mc.terminal_activity
             WHERE (@party::text IS NULL OR party_id = @party) AND day BETWEEN @from AND @to
             ORDER BY day, terminal_id
             LIMIT 100000
            """);
        command.Parameters.Add(Text("party", partyId));
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        var list = new List<ActivityRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ActivityRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetInt32(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
        }

        return list;
    }

    /// <summary>Telemetry history of a terminal since a time, oldest first.</summary>
    public async Task<IReadOnlyList<TelemetryPoint>> TelemetryAsync(string id, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT bucket_start, samples, cpu_avg, cpu_max, mem_avg, disk_avg, temp_max FROM mc.terminal_telemetry
             WHERE terminal_id = @id AND bucket_start >= @since ORDER BY bucket_start LIMIT 5000
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("since", since);
        var list = new List<TelemetryPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            double? N(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
            list.Add(new TelemetryPoint(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1), N(2), N(3), N(4), N(5), N(6)));
        }

        return list;
    }

    /// <summary>The latest terminal alerts and recoveries, optionally of one party, newest first.</summary>
    public async Task<IReadOnlyList<TerminalAlert>> AlertsAsync(string? partyId, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT id, occurred_at, entity_id, event_type, payload->>'dedupKey', payload->>'reason' FROM mc.event_log
             WHERE entity_type = 'terminal' AND (@party::text IS NULL OR payload->>'partyId' = @party)
             ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.Add(Text("party", partyId));
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 500));
        var list = new List<TerminalAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new TerminalAlert(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return list;
    }

    /// <summary>The owning access party of a terminal, or null when it is not registered.</summary>
    public async Task<string?> PartyOfAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT party_id FROM mc.terminals WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<IReadOnlyList<TerminalRow>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<TerminalRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            list.Add(new TerminalRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), Time(6), Time(7), Time(8), reader.GetFieldValue<string[]>(9), Time(10), Time(11), reader.GetInt32(12),
                reader.GetInt64(13)));
        }

        return list;
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}
