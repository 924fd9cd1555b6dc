using MediaCenter.Grains.Events;
using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Terminals;

/// <summary>Telemetry limits past which a terminal is Degraded (percent, °C, errors since last sample).</summary>
public sealed class DegradationThresholds
{
    /// <summary>CPU use, percent.</summary>
    public double Cpu { get; set; } = 90;

    /// <summary>Memory use, percent.</summary>
    public double Memory { get; set; } = 90;

    /// <summary>Disk use, percent.</summary>
    public double Disk { get; set; } = 95;

    /// <summary>Temperature, °C.</summary>
    public double Temperature { get; set; } = 75;

    /// <summary>Application errors reported in one sample.</summary>
    public int Errors { get; set; } = 10;
}

/// <summary>Terminal rules. Bound from the silo's <c>Terminals</c> section.</summary>
public sealed class TerminalOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Terminals";

    /// <summary>Heartbeats missed before a terminal is offline, when its own timeout is not set.</summary>
    public int MissedHeartbeats { get; set; } = 3;

    /// <summary>A terminal that goes offline again within this window after an alert raises no new alert (flapping).</summary>
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A devices gateway silent this long is gone (gateways beat every second).</summary>
    public TimeSpan GatewayBeatTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// While no gateway is up, terminals are not judged offline for up to this long after the outage began, and after it ends
    /// each gets a full timeout to reconnect: a gateway restart is not a fleet-wide outage. A longer outage shows as one.
    /// </summary>
    public TimeSpan GatewayOutageGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often last-seen times are written while nothing else changes (no write per heartbeat).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A full inspection is due this long after the last one (six months).</summary>
    public TimeSpan InspectionPeriod { get; set; } = TimeSpan.FromDays(182);

    /// <summary>Telemetry history is kept as averages and peaks per bucket of this length.</summary>
    public TimeSpan TelemetryBucket { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The time zone whose calendar days usage statistics are counted in.</summary>
    public string ActivityTimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Degradation thresholds per kind (kinds not listed use the defaults).</summary>
    public Dictionary<TerminalKind, DegradationThresholds> Thresholds { get; set; } = [];

    /// <summary>The thresholds of a kind.</summary>
    public DegradationThresholds For(TerminalKind kind) => Thresholds.TryGetValue(kind, out var t) ? t : _defaults;

    private readonly DegradationThresholds _defaults = new();
}

/// <summary>Where terminal grains record state changes and alerts (PostgreSQL on real silos).</summary>
public interface ITerminalJournal
{
    /// <summary>Upserts the terminal's row in the read model (lists, reports, the board's snapshot).</summary>
    Task RecordStateAsync(TerminalSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>Appends an event (alert, recovery) with the terminal's version.</summary>
    Task RecordEventAsync(TerminalEvent terminalEvent, CancellationToken cancellationToken = default);

    /// <summary>Appends an inspection to the event log with the terminal's version (appending it again changes nothing).</summary>
    Task RecordInspectionAsync(TerminalInspected inspection, CancellationToken cancellationToken = default);

    /// <summary>Stores a telemetry bucket (absolute values: writing it again replaces it).</summary>
    Task RecordTelemetryAsync(TelemetryBucket bucket, CancellationToken cancellationToken = default);

    /// <summary>Stores the day's usage counters (absolute values: writing twice is harmless).</summary>
    Task RecordActivityAsync(TerminalActivity activity, CancellationToken cancellationToken = default);
}

/// <summary>Where terminal grains report each message they applied (Prometheus on real silos): rate and ingest lag.</summary>
public interface ITerminalMetrics
{
    /// <summary>A message was applied by its terminal grain at <paramref name="appliedAt"/> (the grains' clock).</summary>
    void Applied(TerminalMessage message, DateTimeOffset appliedAt);
}

/// <summary>One terminal's usage (使用活跃度) on one calendar day.</summary>
[GenerateSerializer, Alias("mc.TerminalActivity")]
public sealed record TerminalActivity(
    [property: Id(0)] string TerminalId,
    [property: Id(1)] string PartyId,
    [property: Id(2)] DateOnly Day,
    [property: Id(3)] int Heartbeats,
    [property: Id(4)] int Sessions,
    [property: Id(5)] int Interactions,
    [property: Id(6)] int ScreenOnSeconds);

/// <summary>An announced terminal event. Alerts carry a dedup key: one open incident per key.</summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalEvent")]
public sealed record TerminalEvent(
    [property: Id(0)] string TerminalId,
    [property: Id(1)] string PartyId,
    [property: Id(2)] long Version,
    [property: Id(3)] string Type,
    [property: Id(4)] string? DedupKey,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string Reason)
{
    /// <summary>The party's application (接入应用) the terminal belongs to.</summary>
    [Id(7)] public string? Application { get; init; }
}

/// <summary>Telemetry of one terminal over one bucket of time: averages and peaks.</summary>
[GenerateSerializer, Alias("mc.TelemetryBucket")]
public sealed record TelemetryBucket(
    [property: Id(0)] string TerminalId,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] int Samples,
    [property: Id(3)] double? CpuAvg,
    [property: Id(4)] double? CpuMax,
    [property: Id(5)] double? MemoryAvg,
    [property: Id(6)] double? DiskAvg,
    [property: Id(7)] double? TemperatureMax)
{
    /// <summary>The bucket with one more sample folded in.</summary>
    public TelemetryBucket Add(TelemetrySample s)
    {
        static double? Avg(double? avg, int n, double? value) => value is null ? avg : avg is null ? value : (avg * n + value) / (n + 1);
        static double? Max(double? max, double? value) => value is null ? max : max is null ? value : Math.Max(max.Value, value.Value);
        return this with
        {
            Samples = Samples + 1,
            CpuAvg = Avg(CpuAvg, Samples, s.Cpu),
            CpuMax = Max(CpuMax, s.Cpu),
            MemoryAvg = Avg(MemoryAvg, Samples, s.Memory),
            DiskAvg = Avg(DiskAvg, Samples, s.Disk),
            TemperatureMax = Max(TemperatureMax, s.Temperature),
        };
    }
}
