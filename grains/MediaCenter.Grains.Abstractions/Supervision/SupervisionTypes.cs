using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Supervision;

/// <summary>The supervision activities of the standard (§11.2.2).</summary>
public enum SupervisionKind
{
    /// <summary>电话回访.</summary>
    TelephoneVisit,

    /// <summary>在线调查: answers come from a linked survey.</summary>
    OnlineSurvey,

    /// <summary>回访 in person.</summary>
    ReturnVisit,

    /// <summary>管理者走访.</summary>
    ManagerVisit,

    /// <summary>暗访: hidden from the party visited until the record is closed.</summary>
    MysteryVisit,

    /// <summary>社会监督: the public's or the press's observations.</summary>
    PublicSupervision,
}

/// <summary>Where a supervision record is in its life. See <see cref="SupervisionWorkflow"/>.</summary>
public enum SupervisionState
{
    /// <summary>Planned: who, what, when.</summary>
    Planned,

    /// <summary>Done: carried out, summary and findings recorded; findings may open rectifications.</summary>
    Done,

    /// <summary>Closed: final; a mystery visit becomes visible to the party visited.</summary>
    Closed,
}

/// <summary>What can be done to a supervision record.</summary>
public enum SupervisionCommandType
{
    /// <summary>Plans the activity.</summary>
    Plan,

    /// <summary>Records that it was carried out: the day, a summary, the findings.</summary>
    Record,

    /// <summary>Adds a finding after the fact.</summary>
    AddFinding,

    /// <summary>Opens a rectification of the party on one finding.</summary>
    OpenRectification,

    /// <summary>Links the online survey whose answers are the activity's material.</summary>
    LinkSurvey,

    /// <summary>Closes the record.</summary>
    Close,

    /// <summary>Sets a planned activity's day and the person responsible for it.</summary>
    Schedule,

    /// <summary>
    /// Not a command anyone sends: the history entry the record's reminder writes when the planned day passed without the
    /// activity being recorded (it raises <see cref="SupervisionRecordView.Overdue"/>).
    /// </summary>
    MarkOverdue,
}

/// <summary>One finding of an activity, and the rectification it opened, if any.</summary>
[GenerateSerializer, Immutable, Alias("mc.SupervisionFinding")]
public sealed record SupervisionFinding(
    [property: Id(0)] int Number,
    [property: Id(1)] string Text,
    [property: Id(2)] string? RectificationId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string By);

/// <summary>A supervision record (监督记录).</summary>
/// <param name="PartyId">The access party the activity concerns; null when it concerns the operator itself.</param>
/// <param name="Channel">The channel or service visited, when the activity concerns one.</param>
/// <param name="ResponsibleId">The person responsible for carrying out a planned activity (reminded the day before).</param>
/// <param name="Overdue">The planned day passed without the activity being recorded (cleared by rescheduling or recording it).</param>
[GenerateSerializer, Immutable, Alias("mc.SupervisionRecordView")]
public sealed record SupervisionRecordView(
    [property: Id(0)] string Id,
    [property: Id(1)] SupervisionKind Kind,
    [property: Id(2)] SupervisionState State,
    [property: Id(3)] string Title,
    [property: Id(4)] string? PartyId,
    [property: Id(5)] string? Channel,
    [property: Id(6)] DateOnly? PlannedFor,
    [property: Id(7)] string? Detail,
    [property: Id(8)] DateOnly? DoneOn,
    [property: Id(9)] string? DoneBy,
    [property: Id(10)] string? Summary,
    [property: Id(11)] List<SupervisionFinding> Findings,
    [property: Id(12)] string? SurveyId,
    [property: Id(13)] string CreatedBy,
    [property: Id(14)] long Version,
    [property: Id(15)] DateTimeOffset CreatedAt,
    [property: Id(16)] DateTimeOffset UpdatedAt,
    [property: Id(17)] Guid? ResponsibleId = null,
    [property: Id(18)] string? Responsible = null,
    [property: Id(19)] bool Overdue = false)
{
    /// <summary>
    /// Whether the party concerned may see the record: always, except a mystery visit before it is closed (the party must
    /// not learn of the visit, or of its findings, while the visits go on).
    /// </summary>
    public bool VisibleToParty => Kind != SupervisionKind.MysteryVisit || State == SupervisionState.Closed;
}

/// <summary>A supervision command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.SupervisionCommand")]
public abstract record SupervisionCommand
{
    /// <summary>Which command this is.</summary>
    public abstract SupervisionCommandType Type { get; }
}

/// <summary>Plans an activity; <paramref name="Responsible"/> is who carries it out (the web defaults it to the planner).</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanSupervision")]
public sealed record PlanSupervision(
    [property: Id(0)] SupervisionKind? Kind,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? PartyId,
    [property: Id(3)] string? Channel,
    [property: Id(4)] DateOnly? PlannedFor,
    [property: Id(5)] string? Detail,
    [property: Id(6)] Person? Responsible = null) : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.Plan;
}

/// <summary>Records the activity as carried out on <paramref name="DoneOn"/> (default today), with a summary and findings.</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordSupervision")]
public sealed record RecordSupervision([property: Id(0)] DateOnly? DoneOn, [property: Id(1)] string? Summary, [property: Id(2)] List<string>? Findings)
    : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.Record;
}

/// <summary>Adds one finding.</summary>
[GenerateSerializer, Immutable, Alias("mc.AddSupervisionFinding")]
public sealed record AddSupervisionFinding([property: Id(0)] string? Text) : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.AddFinding;
}

/// <summary>Opens a rectification of the party on finding <paramref name="Number"/>.</summary>
[GenerateSerializer, Immutable, Alias("mc.OpenFindingRectification")]
public sealed record OpenFindingRectification([property: Id(0)] int? Number) : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.OpenRectification;
}

/// <summary>Links an online survey.</summary>
[GenerateSerializer, Immutable, Alias("mc.LinkSupervisionSurvey")]
public sealed record LinkSupervisionSurvey([property: Id(0)] string? SurveyId) : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.LinkSurvey;
}

/// <summary>Sets (or moves) a planned activity's day and, when given, the person responsible; moving the day clears the overdue flag.</summary>
[GenerateSerializer, Immutable, Alias("mc.ScheduleSupervision")]
public sealed record ScheduleSupervision([property: Id(0)] DateOnly? PlannedFor, [property: Id(1)] Person? Responsible) : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.Schedule;
}

/// <summary>Closes the record.</summary>
[GenerateSerializer, Immutable, Alias("mc.CloseSupervision")]
public sealed record CloseSupervision([property: Id(0)] string? Note) : SupervisionCommand
{
    /// <inheritdoc />
    public override SupervisionCommandType Type => SupervisionCommandType.Close;
}

/// <summary>One entry of a record's history (it goes to the event log).</summary>
[GenerateSerializer, Immutable, Alias("mc.SupervisionHistoryEntry")]
public sealed record SupervisionHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Guid ActorId,
    [property: Id(3)] string Actor,
    [property: Id(4)] SupervisionCommandType Command,
    [property: Id(5)] SupervisionState? From,
    [property: Id(6)] SupervisionState To,
    [property: Id(7)] string? Comment);

/// <summary>The outcome of a supervision command.</summary>
[GenerateSerializer, Immutable, Alias("mc.SupervisionResult")]
public sealed record SupervisionResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] SupervisionState? State,
    [property: Id(3)] List<SupervisionCommandType> AllowedMoves,
    [property: Id(4)] SupervisionRecordView? Record,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>One supervision record (key <c>sup-…</c>). Commands follow <see cref="SupervisionWorkflow"/>.</summary>
[Alias("mc.ISupervisionRecordGrain")]
public interface ISupervisionRecordGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<SupervisionResult> ExecuteAsync(SupervisionCommand command, OpsActor actor, string operationId);

    /// <summary>The record, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<SupervisionRecordView?> GetAsync();

    /// <summary>With its history.</summary>
    [Alias("History"), Orleans.Concurrency.ReadOnly]
    Task<List<SupervisionHistoryEntry>> GetHistoryAsync();

    /// <summary>
    /// What the schedule reminder does on each tick (callable, so a check can be forced): the day-before notice to the person
    /// responsible, or the overdue flag once the planned day is over. Returns how many notifications it stored.
    /// </summary>
    [Alias("CheckSchedule")]
    Task<int> CheckScheduleAsync();
}

/// <summary>
/// The supervision state table. Supervision is the operator's and management's work: they plan, record, add findings, open
/// rectifications and close; the party visited only reads (and a mystery visit only once closed), and answers the
/// rectifications on their own table.
/// </summary>
public static class SupervisionWorkflow
{
    private const OpsRole Supervisor = OpsRole.Operator | OpsRole.Management;

    /// <summary>Every allowed move.</summary>
    public static WorkflowTable<SupervisionState, SupervisionCommandType, OpsRole> Table { get; } = new(
    [
        new(null, SupervisionCommandType.Plan, Supervisor, SupervisionState.Planned),
        new(SupervisionState.Planned, SupervisionCommandType.LinkSurvey, Supervisor, SupervisionState.Planned),
        new(SupervisionState.Planned, SupervisionCommandType.Schedule, Supervisor, SupervisionState.Planned),
        new(SupervisionState.Planned, SupervisionCommandType.Record, Supervisor, SupervisionState.Done),
        new(SupervisionState.Done, SupervisionCommandType.AddFinding, Supervisor, SupervisionState.Done),
        new(SupervisionState.Done, SupervisionCommandType.OpenRectification, Supervisor, SupervisionState.Done),
        new(SupervisionState.Done, SupervisionCommandType.LinkSurvey, Supervisor, SupervisionState.Done),
        new(SupervisionState.Done, SupervisionCommandType.Close, Supervisor, SupervisionState.Closed),
    ]);

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<WorkflowRow> Rows() =>
        Table.Select(t => new WorkflowRow(t.From?.ToString(), t.Command.ToString(), OpsRoles.Describe(t.Roles), t.To?.ToString() ?? "", "")).ToList();

    /// <summary>The id of the rectification a finding opens (one per finding).</summary>
    public static string RectificationId(string recordId, int finding) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rect-{recordId}-f{finding}");
}

/// <summary>A supervision record changed (on the operations live topic), for the 监督 page to redraw.</summary>
[GenerateSerializer, Alias("mc.live.SupervisionViewChanged")]
public sealed record SupervisionViewChanged([property: Id(0)] SupervisionRecordView Record) : Platform.LiveEvent;
