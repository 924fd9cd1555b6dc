using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Incidents;

/// <summary>What kind of higher-level cause holds member alerts (docs/INCIDENTS.md, "Inhibition").</summary>
public enum InhibitionCauseKind
{
    /// <summary>A region (or every region of a party) marked under maintenance.</summary>
    Maintenance,

    /// <summary>One of the platform's own alerts that stands above terminals (e.g. the MQTT broker is down).</summary>
    PlatformAlert,
}

/// <summary>
/// A known higher-level cause: while it holds, terminal alerts of its scope are held under it instead of paging.
/// A null party or region covers every party or region.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.InhibitionCause")]
public sealed record InhibitionCause(
    [property: Id(0)] string Id,
    [property: Id(1)] InhibitionCauseKind Kind,
    [property: Id(2)] string? PartyId,
    [property: Id(3)] string? Region,
    [property: Id(4)] string Title,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] string? IncidentId)
{
    /// <summary>True when the cause stands above alerts of this party and region.</summary>
    public bool Covers(string partyId, string region) =>
        (PartyId is null || PartyId == partyId) && (Region is null || Region == region);
}

/// <summary>A member's alert handed to inhibition before grouping: what the alert group would have been given.</summary>
/// <param name="GroupKey">The alert group the alert goes to when it is not held (or when it is released).</param>
[GenerateSerializer, Immutable, Alias("mc.HeldAlert")]
public sealed record HeldAlert(
    [property: Id(0)] string Kind,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Region,
    [property: Id(3)] string GroupKey,
    [property: Id(4)] IncidentMember Member,
    [property: Id(5)] IncidentReport Report,
    [property: Id(6)] string OperationId);

/// <summary>A member held under a cause: since when it is out, whether it came back meanwhile, and where it went on release.</summary>
[GenerateSerializer, Immutable, Alias("mc.HeldMember")]
public sealed record HeldMember(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string PartyId,
    [property: Id(4)] string Region,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] DateTimeOffset? RecoveredAt,
    [property: Id(7)] DateTimeOffset? ReleasedAt,
    [property: Id(8)] string? IncidentId)
{
    /// <summary>Still out and not yet handed on.</summary>
    public bool Held => RecoveredAt is null && ReleasedAt is null;
}

/// <summary>A cause with the members held under it and the counts.</summary>
[GenerateSerializer, Immutable, Alias("mc.InhibitionView")]
public sealed record InhibitionView(
    [property: Id(0)] InhibitionCause Cause,
    [property: Id(1)] bool Active,
    [property: Id(2)] DateTimeOffset? EndedAt,
    [property: Id(3)] IReadOnlyList<HeldMember> Members,
    [property: Id(4)] int Held,
    [property: Id(5)] int Recovered,
    [property: Id(6)] int Released,
    [property: Id(7)] IReadOnlyList<string> ReleasedTo);

/// <summary>
/// The registry of causes that hold member alerts (one grain, key <see cref="Inhibitions.Registry"/>). Terminals ask it
/// before their alert goes to its group; maintenance windows and the Alertmanager receiver start and end causes.
/// </summary>
[Alias("mc.IInhibitionGrain")]
public interface IInhibitionGrain : IGrainWithStringKey
{
    /// <summary>A cause starts holding (idempotent by the cause's id).</summary>
    [Alias("Start")]
    Task StartAsync(InhibitionCause cause);

    /// <summary>A cause ends: its members still out are released as one grouped alert (idempotent by the cause's id).</summary>
    [Alias("End")]
    Task EndAsync(string causeId);

    /// <summary>Holds the alert under a cause covering it; returns that cause's id, or null when none does (the alert goes on to its group).</summary>
    [Alias("Hold")]
    Task<string?> HoldAsync(HeldAlert alert);

    /// <summary>A member is back: true when a cause held it (it is closed out there, never released).</summary>
    [Alias("Recover")]
    Task<bool> RecoverAsync(string partyId, string region, string memberId, DateTimeOffset at);

    /// <summary>A held member that was back went out again without an alert (damped): true when a cause lists it.</summary>
    [Alias("OutAgain")]
    Task<bool> OutAgainAsync(string partyId, string region, string memberId, DateTimeOffset at);

    /// <summary>The causes holding now.</summary>
    [Alias("Active"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<InhibitionCause>> ActiveAsync();
}

/// <summary>One cause (key: the cause's id): the members held under it, and their release when it ends.</summary>
[Alias("mc.IInhibitionCauseGrain")]
public interface IInhibitionCauseGrain : IGrainWithStringKey
{
    /// <summary>Starts holding (again, if it had ended: a platform alert firing anew).</summary>
    [Alias("Start")]
    Task StartAsync(InhibitionCause cause);

    /// <summary>Holds a member's alert; false when the cause is not holding (the alert goes on to its group).</summary>
    [Alias("Hold")]
    Task<bool> HoldAsync(HeldAlert alert);

    /// <summary>Marks a held member back; false when it does not hold it.</summary>
    [Alias("Recover")]
    Task<bool> RecoverAsync(string memberId, DateTimeOffset at);

    /// <summary>A member that was back is out again; false when it does not list it while holding.</summary>
    [Alias("OutAgain")]
    Task<bool> OutAgainAsync(string memberId, DateTimeOffset at);

    /// <summary>Ends the cause and releases the members still out to their alert groups.</summary>
    [Alias("End")]
    Task<InhibitionView?> EndAsync();

    /// <summary>The cause and its members, or null when it never started.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<InhibitionView?> GetAsync();
}

/// <summary>Keys and names of inhibition.</summary>
public static class Inhibitions
{
    /// <summary>The key of the one registry grain.</summary>
    public const string Registry = "causes";

    /// <summary>The cause id of a maintenance window.</summary>
    public static string MaintenanceCause(Guid windowId) => $"maintenance:{windowId:N}";

    /// <summary>The cause id of a platform alert (its Alertmanager fingerprint, as its incident's dedup key).</summary>
    public static string PlatformCause(string fingerprint) => "alertmanager:" + fingerprint;

    /// <summary>Platform alerts that inhibit terminal alerts unless <c>Incidents:Inhibition:CauseAlerts</c> says otherwise.</summary>
    public static IReadOnlyList<string> DefaultCauseAlerts { get; } =
        ["MediaCenterNoSiloUp", "MediaCenterIngestFailures", "MediaCenterMqttBrokerDown"];
}

/// <summary>Where a maintenance window is. See <see cref="MaintenanceWorkflow"/>.</summary>
public enum MaintenanceStage
{
    /// <summary>Marked, not begun.</summary>
    Scheduled,

    /// <summary>Under way: terminal alerts of its scope are held.</summary>
    Active,

    /// <summary>Reached its end time.</summary>
    Ended,

    /// <summary>Called off (before or during).</summary>
    Cancelled,
}

/// <summary>The commands of a maintenance window.</summary>
public enum MaintenanceCommandType
{
    Schedule,
    Start,
    End,
    Cancel,
}

/// <summary>Who acts on maintenance windows.</summary>
[Flags]
public enum MaintenanceRole
{
    None = 0,

    /// <summary>Platform administrators and operators.</summary>
    Operator = 1,

    /// <summary>An access party's administrators, for their own party.</summary>
    PartyAdmin = 2,

    /// <summary>The platform: the window's own clock.</summary>
    System = 4,
}

/// <summary>The maintenance window's life as data; anything not listed is an illegal move (409).</summary>
public static class MaintenanceWorkflow
{
    private const MaintenanceRole People = MaintenanceRole.Operator | MaintenanceRole.PartyAdmin;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<MaintenanceStage, MaintenanceCommandType, MaintenanceRole> Transitions { get; } = new(
    [
        new(null, MaintenanceCommandType.Schedule, People, MaintenanceStage.Scheduled),
        new(MaintenanceStage.Scheduled, MaintenanceCommandType.Start, MaintenanceRole.System, MaintenanceStage.Active),
        new(MaintenanceStage.Active, MaintenanceCommandType.End, MaintenanceRole.System, MaintenanceStage.Ended),
        new(MaintenanceStage.Scheduled, MaintenanceCommandType.Cancel, People, MaintenanceStage.Cancelled),
        new(MaintenanceStage.Active, MaintenanceCommandType.Cancel, People, MaintenanceStage.Cancelled),
    ]);
}

/// <summary>What a person asks for: a party's region (null: all its regions) under maintenance from (null: now) to, and why.</summary>
[GenerateSerializer, Immutable, Alias("mc.MaintenanceDraft")]
public sealed record MaintenanceDraft(
    [property: Id(0)] string PartyId,
    [property: Id(1)] string? Region,
    [property: Id(2)] DateTimeOffset? From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] string Reason);

/// <summary>A maintenance window.</summary>
[GenerateSerializer, Immutable, Alias("mc.MaintenanceWindowView")]
public sealed record MaintenanceWindowView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string? Region,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] DateTimeOffset To,
    [property: Id(5)] string Reason,
    [property: Id(6)] MaintenanceStage Stage,
    [property: Id(7)] Guid CreatedBy,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? EndedAt,
    [property: Id(10)] long Version)
{
    /// <summary>The id of the cause it stands for while active.</summary>
    public string CauseId => Inhibitions.MaintenanceCause(Id);
}

/// <summary>What a maintenance command answers.</summary>
[GenerateSerializer, Immutable, Alias("mc.MaintenanceResult")]
public sealed record MaintenanceResult(
    [property: Id(0)] AlertCentreOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] MaintenanceStage? Stage,
    [property: Id(3)] List<MaintenanceCommandType> AllowedMoves,
    [property: Id(4)] MaintenanceWindowView? Window)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == AlertCentreOutcome.Applied;
}

/// <summary>One maintenance window (key: derived from the creating operation id).</summary>
[Alias("mc.IMaintenanceWindowGrain")]
public interface IMaintenanceWindowGrain : IGrainWithGuidKey
{
    /// <summary>Marks the window; it starts and ends by itself at its times.</summary>
    [Alias("Schedule")]
    Task<MaintenanceResult> ScheduleAsync(MaintenanceDraft draft, Guid by, MaintenanceRole roles, string operationId);

    /// <summary>Calls the window off; an active one releases its held members at once.</summary>
    [Alias("Cancel")]
    Task<MaintenanceResult> CancelAsync(MaintenanceRole roles, string operationId);

    /// <summary>The window, or null when it was never scheduled.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<MaintenanceWindowView?> GetAsync();
}
