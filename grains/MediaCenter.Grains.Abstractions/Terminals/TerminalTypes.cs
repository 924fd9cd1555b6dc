namespace MediaCenter.Grains.Terminals;

/// <summary>What kind of smart terminal (智能终端) it is; degradation thresholds are set per kind.</summary>
public enum TerminalKind
{
    /// <summary>An interactive kiosk (自助终端).</summary>
    Kiosk,

    /// <summary>A display screen (信息屏).</summary>
    Screen,

    /// <summary>A mobile app installation.</summary>
    MobileApp,
}

/// <summary>Health of a terminal.</summary>
public enum TerminalHealth
{
    /// <summary>Registered, never heard from.</summary>
    Unknown,

    /// <summary>Heartbeats arrive and telemetry is within thresholds.</summary>
    Online,

    /// <summary>Heartbeats arrive but telemetry is past a threshold.</summary>
    Degraded,

    /// <summary>No heartbeat by its deadline, or it disconnected.</summary>
    Offline,

    /// <summary>Set by staff: no alerts until taken out of maintenance.</summary>
    Maintenance,
}

/// <summary>How a terminal is registered.</summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalRegistration")]
public sealed record TerminalRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] TerminalKind Kind,
    [property: Id(2)] string Region,
    [property: Id(3)] string PartyId,
    [property: Id(4)] TimeSpan HeartbeatInterval,
    [property: Id(5)] TimeSpan? OfflineTimeout,
    [property: Id(6)] string? ApplicationCode = null)
{
    /// <summary>The party's application (接入应用) the terminal belongs to: terminals registered before applications belong to the default one.</summary>
    /// <remarks>A method, not a property: stored grain state is JSON of every property.</remarks>
    public string Application() => string.IsNullOrEmpty(ApplicationCode) ? Applications.ApplicationIds.DefaultCode : ApplicationCode;
}

/// <summary>One telemetry sample (CPU, memory, disk in percent; temperature in °C).</summary>
[GenerateSerializer, Immutable, Alias("mc.TelemetrySample")]
public sealed record TelemetrySample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double? Cpu,
    [property: Id(2)] double? Memory,
    [property: Id(3)] double? Disk,
    [property: Id(4)] double? Temperature,
    [property: Id(5)] bool? ScreenOn,
    [property: Id(6)] string? AppVersion,
    [property: Id(7)] int? Errors);

/// <summary>A terminal as boards and the API show it.</summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalSnapshot")]
public sealed record TerminalSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] TerminalRegistration? Registration,
    [property: Id(2)] TerminalHealth Health,
    [property: Id(3)] DateTimeOffset? LastSeen,
    [property: Id(4)] DateTimeOffset? HealthSince,
    [property: Id(5)] DateTimeOffset? Deadline,
    [property: Id(6)] TelemetrySample? Telemetry,
    [property: Id(7)] IReadOnlyList<string> DegradedBecause,
    [property: Id(8)] DateTimeOffset? LastInspectionAt,
    [property: Id(9)] DateTimeOffset? InspectionDue,
    [property: Id(10)] int FlapCount,
    [property: Id(11)] long Version,
    [property: Id(12)] IReadOnlyList<TerminalCommand>? Commands = null);

/// <summary>What a command asks a terminal to do.</summary>
public enum TerminalCommandType
{
    /// <summary>Show a notice on the screen (text required).</summary>
    Notice,

    /// <summary>Reload its content.</summary>
    Refresh,

    /// <summary>Restart.</summary>
    Reboot,
}

/// <summary>Where a command stands.</summary>
public enum TerminalCommandStatus
{
    /// <summary>Handed to the gateways for delivery.</summary>
    Sent,

    /// <summary>The terminal acknowledged it.</summary>
    Acknowledged,

    /// <summary>The terminal reported it could not carry it out.</summary>
    Failed,

    /// <summary>No acknowledgement within the timeout.</summary>
    TimedOut,
}

/// <summary>A command to a terminal and its outcome.</summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalCommand")]
public sealed record TerminalCommand(
    [property: Id(0)] string Id,
    [property: Id(1)] TerminalCommandType Type,
    [property: Id(2)] string? Text,
    [property: Id(3)] TerminalCommandStatus Status,
    [property: Id(4)] DateTimeOffset SentAt,
    [property: Id(5)] DateTimeOffset? CompletedAt,
    [property: Id(6)] string? Message);

/// <summary>What changed on a terminal, for live boards (coalesced: the latest per terminal wins).</summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalDelta")]
public sealed record TerminalDelta(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Region,
    [property: Id(3)] TerminalHealth Health,
    [property: Id(4)] DateTimeOffset? LastSeen,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset At);

/// <summary>A recorded inspection (巡检).</summary>
[GenerateSerializer, Immutable, Alias("mc.InspectionRecord")]
public sealed record InspectionRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Inspector,
    [property: Id(2)] string Findings,
    [property: Id(3)] bool Passed);

/// <summary>
/// A message from a terminal as the gateway hands it to the cluster. <see cref="ReceivedAt"/> is the gateway's clock (deadlines
/// run from it); <see cref="SentAt"/> is the terminal's own <c>ts</c>, when it sent one, used only to measure ingest lag.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.TerminalMessage")]
public sealed record TerminalMessage(
    [property: Id(0)] string TerminalId,
    [property: Id(1)] TerminalMessageKind Kind,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] TelemetrySample? Telemetry,
    [property: Id(4)] string? EventType,
    [property: Id(5)] int EventCount,
    [property: Id(6)] string? CommandId = null,
    [property: Id(7)] bool CommandOk = false,
    [property: Id(8)] DateTimeOffset? SentAt = null);

/// <summary>Kinds of terminal messages.</summary>
public enum TerminalMessageKind
{
    /// <summary>A heartbeat.</summary>
    Heartbeat,

    /// <summary>Telemetry (also counts as a heartbeat).</summary>
    Telemetry,

    /// <summary>A usage event (sessions, interactions).</summary>
    Usage,

    /// <summary>The terminal said it is online (retained state).</summary>
    Online,

    /// <summary>The connection was lost, cleanly or by Last Will.</summary>
    Disconnected,

    /// <summary>An acknowledgement of a command.</summary>
    Ack,
}
