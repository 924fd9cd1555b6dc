namespace MediaCenter.Grains.Operations;

/// <summary>The state of a drill. See <see cref="DrillWorkflow"/>.</summary>
public enum DrillState
{
    /// <summary>计划中.</summary>
    Scheduled,

    /// <summary>已完成: run and recorded.</summary>
    Completed,

    /// <summary>已取消.</summary>
    Cancelled,
}

/// <summary>What can be done to a drill.</summary>
public enum DrillCommandType
{
    /// <summary>The plan's party schedules a drill of the plan.</summary>
    Schedule,

    /// <summary>The plan's party records the drill as run (once).</summary>
    Record,

    /// <summary>The plan's party cancels a scheduled drill with a reason.</summary>
    Cancel,
}

/// <summary>A drill command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.DrillCommand")]
public abstract record DrillCommand
{
    /// <summary>Which command this is.</summary>
    public abstract DrillCommandType Type { get; }
}

/// <summary>Schedules a drill of a plan.</summary>
[GenerateSerializer, Immutable, Alias("mc.ScheduleDrill")]
public sealed record ScheduleDrill([property: Id(0)] string PlanId, [property: Id(1)] string? Scenario, [property: Id(2)] DateTimeOffset? ScheduledAt) : DrillCommand
{
    /// <inheritdoc />
    public override DrillCommandType Type => DrillCommandType.Schedule;
}

/// <summary>Records a scheduled drill as run.</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordDrill")]
public sealed record RecordDrill(
    [property: Id(0)] DateTimeOffset? StartedAt,
    [property: Id(1)] DateTimeOffset? EndedAt,
    [property: Id(2)] IReadOnlyList<DrillParticipant>? Participants,
    [property: Id(3)] IReadOnlyList<string>? Findings,
    [property: Id(4)] IReadOnlyList<DrillFollowUp>? FollowUps,
    [property: Id(5)] string? Summary) : DrillCommand
{
    /// <inheritdoc />
    public override DrillCommandType Type => DrillCommandType.Record;
}

/// <summary>Cancels a scheduled drill.</summary>
[GenerateSerializer, Immutable, Alias("mc.CancelDrill")]
public sealed record CancelDrill([property: Id(0)] string? Reason) : DrillCommand
{
    /// <inheritdoc />
    public override DrillCommandType Type => DrillCommandType.Cancel;
}

/// <summary>A drill participant.</summary>
[GenerateSerializer, Immutable, Alias("mc.DrillParticipant")]
public sealed record DrillParticipant([property: Id(0)] string? Name, [property: Id(1)] string? Role, [property: Id(2)] string? Organisation);

/// <summary>A follow-up action a drill produced.</summary>
[GenerateSerializer, Immutable, Alias("mc.DrillFollowUp")]
public sealed record DrillFollowUp([property: Id(0)] string? Action, [property: Id(1)] string? Owner, [property: Id(2)] DateOnly? DueOn);

/// <summary>A drill (演练).</summary>
/// <param name="Overdue">True while the drill is scheduled and its time has passed without a record: due and not held.</param>
[GenerateSerializer, Immutable, Alias("mc.DrillView")]
public sealed record DrillView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PlanId,
    [property: Id(2)] string PartyId,
    [property: Id(3)] string Scenario,
    [property: Id(4)] DateTimeOffset ScheduledAt,
    [property: Id(5)] DrillState State,
    [property: Id(6)] int? PlanVersion,
    [property: Id(7)] DateTimeOffset? StartedAt,
    [property: Id(8)] DateTimeOffset? EndedAt,
    [property: Id(9)] IReadOnlyList<DrillParticipant> Participants,
    [property: Id(10)] IReadOnlyList<string> Findings,
    [property: Id(11)] IReadOnlyList<DrillFollowUp> FollowUps,
    [property: Id(12)] string? Summary,
    [property: Id(13)] string? CancelReason,
    [property: Id(14)] string ScheduledBy,
    [property: Id(15)] string? RecordedBy,
    [property: Id(16)] DateTimeOffset? RecordedAt,
    [property: Id(17)] DateTimeOffset UpdatedAt,
    [property: Id(18)] long Version,
    [property: Id(19)] bool Overdue,
    [property: Id(20)] DateTimeOffset CreatedAt);

/// <summary>One entry of a drill's history.</summary>
[GenerateSerializer, Immutable, Alias("mc.DrillHistoryEntry")]
public sealed record DrillHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] DrillCommandType Command,
    [property: Id(4)] DrillState? From,
    [property: Id(5)] DrillState To,
    [property: Id(6)] string? Comment);

/// <summary>The outcome of a drill command.</summary>
[GenerateSerializer, Immutable, Alias("mc.DrillResult")]
public sealed record DrillResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] DrillState? State,
    [property: Id(3)] IReadOnlyList<DrillCommandType> AllowedMoves,
    [property: Id(4)] DrillView? Drill,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>
/// A drill (演练, F10.2.1) of a plan, keyed by the drill id: scheduled, then recorded once with the plan version
/// in force at that moment, or cancelled. Commands follow <see cref="DrillWorkflow"/>.
/// </summary>
[Alias("mc.IDrillGrain")]
public interface IDrillGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<DrillResult> ExecuteAsync(DrillCommand command, OpsActor actor, string operationId);

    /// <summary>The drill, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<DrillView?> GetAsync();
}

/// <summary>One allowed move of a drill.</summary>
public sealed record DrillTransition(DrillState? From, DrillCommandType Command, OpsRole Roles, DrillState To, string Note);

/// <summary>
/// The drill state table as data (F10.2.1). Everything not listed is an illegal move (409); a listed move by a
/// caller without one of its roles is 403. docs/OPERATIONS-PLANS.md prints it; the grain tests walk it.
/// </summary>
public static class DrillWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<DrillTransition> Transitions { get; } =
    [
        new(null, DrillCommandType.Schedule, OpsRole.Party, DrillState.Scheduled, "a plan of the party; scenario and time"),
        new(DrillState.Scheduled, DrillCommandType.Record, OpsRole.Party, DrillState.Completed, "once; keeps the plan version in force"),
        new(DrillState.Scheduled, DrillCommandType.Cancel, OpsRole.Party, DrillState.Cancelled, "reason required"),
    ];

    /// <summary>The move for a command in a state, or null when it is illegal there.</summary>
    public static DrillTransition? Find(DrillState? from, DrillCommandType command) =>
        Transitions.FirstOrDefault(t => t.From == from && t.Command == command);

    /// <summary>Commands allowed in a state (by someone).</summary>
    /// <remarks>A concrete list: results are kept in grain state, whose JSON names runtime types.</remarks>
    public static List<DrillCommandType> AllowedIn(DrillState? from) => Transitions.Where(t => t.From == from).Select(t => t.Command).ToList();

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Transitions.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To.ToString(), t.Note)).ToList();
}
