using MediaCenter.Grains.Platform;

namespace MediaCenter.Grains.People;

/// <summary>How often a plan's training is to be passed again (§9.5.1's periodic trainings); <see cref="Once"/> asks it once per post.</summary>
public enum TrainingCadence
{
    /// <summary>Passed once for the post (until the post or the plan's skills change).</summary>
    Once,

    /// <summary>Every three months.</summary>
    Quarterly,

    /// <summary>Every six months.</summary>
    HalfYearly,

    /// <summary>Every year.</summary>
    Yearly,
}

/// <summary>The state of a training plan. See <see cref="TrainingWorkflow.PlanTransitions"/>.</summary>
public enum TrainingPlanState
{
    /// <summary>Being written: no obligations, no sessions.</summary>
    Draft,

    /// <summary>In force: the post's people owe it, sessions are held.</summary>
    Active,

    /// <summary>No longer taught: its open obligations are dropped.</summary>
    Retired,
}

/// <summary>What can be done to a training plan.</summary>
public enum TrainingPlanCommandType
{
    /// <summary>A trainer writes a plan (draft).</summary>
    Create,

    /// <summary>Title, skills, pass mark or cadence change; a skill change of an active plan asks its post to train again (§8.1.5.5).</summary>
    Update,

    /// <summary>The plan comes into force: everyone of its post owes it.</summary>
    Activate,

    /// <summary>The plan ends.</summary>
    Retire,
}

/// <summary>The state of a training session. See <see cref="TrainingWorkflow.SessionTransitions"/>.</summary>
public enum TrainingSessionState
{
    /// <summary>Announced; people are enrolled.</summary>
    Scheduled,

    /// <summary>Held: attendance is taken, scores are entered.</summary>
    Held,

    /// <summary>Closed: the passes are on the attendees' records.</summary>
    Closed,

    /// <summary>Called off before it was held.</summary>
    Cancelled,
}

/// <summary>What can be done to a training session.</summary>
public enum TrainingSessionCommandType
{
    /// <summary>A trainer schedules a session of an active plan.</summary>
    Schedule,

    /// <summary>People of the organisation are enrolled.</summary>
    Enrol,

    /// <summary>Who attended (the session is then held).</summary>
    RecordAttendance,

    /// <summary>The assessment: a score per attendee and the skills confirmed (§8.1.5.3).</summary>
    RecordScores,

    /// <summary>Closes the session: passes go onto the records and fulfil obligations.</summary>
    Close,

    /// <summary>Calls the session off.</summary>
    Cancel,
}

/// <summary>Why a person owes a plan's training (§8.1.5.5).</summary>
public enum ObligationReason
{
    /// <summary>The person joined the plan's post.</summary>
    Joined,

    /// <summary>The person's post changed to the plan's.</summary>
    PostChanged,

    /// <summary>The plan of the person's post came into force.</summary>
    PlanActivated,

    /// <summary>The skills of the active plan changed.</summary>
    PlanChanged,

    /// <summary>The last pass aged past the plan's cadence.</summary>
    Periodic,

    /// <summary>The post's business changed: a channel of the organisation took on a new review level.</summary>
    BusinessChanged,
}

/// <summary>The state of a re-training obligation.</summary>
public enum ObligationState
{
    /// <summary>Owed.</summary>
    Open,

    /// <summary>Passed in a session of the plan.</summary>
    Fulfilled,

    /// <summary>No longer owed: the person left or changed post, or the plan was retired.</summary>
    Dropped,
}

/// <summary>A training plan (培训计划) of one post.</summary>
/// <param name="Skills">The skills the plan teaches and a session confirms (§8.1.5.3).</param>
/// <param name="PassMark">The assessment's pass mark (0–100) its sessions start from.</param>
[GenerateSerializer, Immutable, Alias("mc.TrainingPlan")]
public sealed record TrainingPlan(
    [property: Id(0)] string Id,
    [property: Id(1)] string Organisation,
    [property: Id(2)] StaffPost Post,
    [property: Id(3)] TrainingKind Kind,
    [property: Id(4)] string Title,
    [property: Id(5)] TrainingCadence Cadence,
    [property: Id(6)] IReadOnlyList<string> Skills,
    [property: Id(7)] int PassMark,
    [property: Id(8)] TrainingPlanState State,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt);

/// <summary>A material of a session: a name and, when there is one, a link.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingMaterial")]
public sealed record TrainingMaterial([property: Id(0)] string Name, [property: Id(1)] string? Link);

/// <summary>A person enrolled in a session, with attendance, score, confirmed skills and (once closed) whether they passed.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingAttendee")]
public sealed record TrainingAttendee(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string Name,
    [property: Id(2)] bool Attended,
    [property: Id(3)] int? Score,
    [property: Id(4)] IReadOnlyList<string> ConfirmedSkills,
    [property: Id(5)] bool? Passed);

/// <summary>A training session (internal or external, §8.1.5.6) of a plan.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingSession")]
public sealed record TrainingSession(
    [property: Id(0)] string Id,
    [property: Id(1)] string Organisation,
    [property: Id(2)] string PlanId,
    [property: Id(3)] string Title,
    [property: Id(4)] bool External,
    [property: Id(5)] string? Provider,
    [property: Id(6)] DateTimeOffset StartsAt,
    [property: Id(7)] string? Location,
    [property: Id(8)] IReadOnlyList<TrainingMaterial> Materials,
    [property: Id(9)] int PassMark,
    [property: Id(10)] IReadOnlyList<TrainingAttendee> Attendees,
    [property: Id(11)] TrainingSessionState State,
    [property: Id(12)] long Version,
    [property: Id(13)] DateTimeOffset UpdatedAt,
    [property: Id(14)] DateOnly? ClosedOn);

/// <summary>A re-training obligation (§8.1.5.5): a person owes a plan's training by a due date.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingObligation")]
public sealed record TrainingObligation(
    [property: Id(0)] string Id,
    [property: Id(1)] string Organisation,
    [property: Id(2)] string PersonId,
    [property: Id(3)] string PersonName,
    [property: Id(4)] string PlanId,
    [property: Id(5)] string PlanTitle,
    [property: Id(6)] ObligationReason Reason,
    [property: Id(7)] DateOnly Since,
    [property: Id(8)] DateOnly Due,
    [property: Id(9)] ObligationState State,
    [property: Id(10)] string? FulfilledBy,
    [property: Id(11)] DateOnly? FulfilledOn,
    [property: Id(12)] bool Reminded,
    [property: Id(13)] long Version)
{
    /// <summary>True when still owed after its due date.</summary>
    public bool OverdueOn(DateOnly today) => State == ObligationState.Open && today > Due;
}

/// <summary>An obligation as the API answers it: with whether it is overdue today.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingObligationView")]
public sealed record TrainingObligationView([property: Id(0)] TrainingObligation Obligation, [property: Id(1)] bool Overdue);

/// <summary>An organisation's training as of <see cref="Today"/>: plans, sessions and the obligations still open (overdue flagged).</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingOverview")]
public sealed record TrainingOverview(
    [property: Id(0)] string Organisation,
    [property: Id(1)] DateOnly Today,
    [property: Id(2)] IReadOnlyList<TrainingPlan> Plans,
    [property: Id(3)] IReadOnlyList<TrainingSession> Sessions,
    [property: Id(4)] IReadOnlyList<TrainingObligationView> Obligations);

/// <summary>What a staff record tells its organisation's training: enough to owe plans of the post.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingPerson")]
public sealed record TrainingPerson(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string Name,
    [property: Id(2)] StaffPost Post,
    [property: Id(3)] bool Active,
    [property: Id(4)] long Version);

/// <summary>A training command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.TrainingCommand")]
public abstract record TrainingCommand;

/// <summary>A plan command: names the plan it moves.</summary>
[GenerateSerializer, Alias("mc.TrainingPlanCommand")]
public abstract record TrainingPlanCommand([property: Id(0)] string PlanId) : TrainingCommand
{
    /// <summary>Which command this is.</summary>
    public abstract TrainingPlanCommandType Type { get; }
}

/// <summary>A session command: names the session it moves.</summary>
[GenerateSerializer, Alias("mc.TrainingSessionCommand")]
public abstract record TrainingSessionCommand([property: Id(0)] string SessionId) : TrainingCommand
{
    /// <summary>Which command this is.</summary>
    public abstract TrainingSessionCommandType Type { get; }
}

/// <summary>Writes a plan (draft).</summary>
[GenerateSerializer, Immutable, Alias("mc.CreateTrainingPlan")]
public sealed record CreateTrainingPlan(
    string PlanId,
    [property: Id(0)] StaffPost? Post,
    [property: Id(1)] TrainingKind? Kind,
    [property: Id(2)] string? Title,
    [property: Id(3)] TrainingCadence? Cadence,
    [property: Id(4)] IReadOnlyList<string>? Skills,
    [property: Id(5)] int? PassMark) : TrainingPlanCommand(PlanId)
{
    /// <inheritdoc />
    public override TrainingPlanCommandType Type => TrainingPlanCommandType.Create;
}

/// <summary>Changes a plan; fields left null stay.</summary>
[GenerateSerializer, Immutable, Alias("mc.UpdateTrainingPlan")]
public sealed record UpdateTrainingPlan(
    string PlanId,
    [property: Id(0)] string? Title,
    [property: Id(1)] TrainingCadence? Cadence,
    [property: Id(2)] IReadOnlyList<string>? Skills,
    [property: Id(3)] int? PassMark) : TrainingPlanCommand(PlanId)
{
    /// <inheritdoc />
    public override TrainingPlanCommandType Type => TrainingPlanCommandType.Update;
}

/// <summary>Brings a plan into force.</summary>
[GenerateSerializer, Immutable, Alias("mc.ActivateTrainingPlan")]
public sealed record ActivateTrainingPlan(string PlanId) : TrainingPlanCommand(PlanId)
{
    /// <inheritdoc />
    public override TrainingPlanCommandType Type => TrainingPlanCommandType.Activate;
}

/// <summary>Retires a plan.</summary>
[GenerateSerializer, Immutable, Alias("mc.RetireTrainingPlan")]
public sealed record RetireTrainingPlan(string PlanId) : TrainingPlanCommand(PlanId)
{
    /// <inheritdoc />
    public override TrainingPlanCommandType Type => TrainingPlanCommandType.Retire;
}

/// <summary>Schedules a session of an active plan; the pass mark defaults to the plan's.</summary>
[GenerateSerializer, Immutable, Alias("mc.ScheduleTrainingSession")]
public sealed record ScheduleTrainingSession(
    string SessionId,
    [property: Id(0)] string? PlanId,
    [property: Id(1)] string? Title,
    [property: Id(2)] bool External,
    [property: Id(3)] string? Provider,
    [property: Id(4)] DateTimeOffset? StartsAt,
    [property: Id(5)] string? Location,
    [property: Id(6)] IReadOnlyList<TrainingMaterial>? Materials,
    [property: Id(7)] int? PassMark) : TrainingSessionCommand(SessionId)
{
    /// <inheritdoc />
    public override TrainingSessionCommandType Type => TrainingSessionCommandType.Schedule;
}

/// <summary>Enrols active people of the organisation.</summary>
[GenerateSerializer, Immutable, Alias("mc.EnrolTraining")]
public sealed record EnrolTraining(string SessionId, [property: Id(0)] IReadOnlyList<string>? PersonIds) : TrainingSessionCommand(SessionId)
{
    /// <inheritdoc />
    public override TrainingSessionCommandType Type => TrainingSessionCommandType.Enrol;
}

/// <summary>Who of the enrolled attended (the others are marked absent).</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordTrainingAttendance")]
public sealed record RecordTrainingAttendance(string SessionId, [property: Id(0)] IReadOnlyList<string>? Attended) : TrainingSessionCommand(SessionId)
{
    /// <inheritdoc />
    public override TrainingSessionCommandType Type => TrainingSessionCommandType.RecordAttendance;
}

/// <summary>One attendee's assessment.</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingScore")]
public sealed record TrainingScore([property: Id(0)] string? PersonId, [property: Id(1)] int? Score, [property: Id(2)] IReadOnlyList<string>? ConfirmedSkills);

/// <summary>Enters scores (and confirmed skills) of attendees; an attendee scored again is replaced.</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordTrainingScores")]
public sealed record RecordTrainingScores(string SessionId, [property: Id(0)] IReadOnlyList<TrainingScore>? Scores) : TrainingSessionCommand(SessionId)
{
    /// <inheritdoc />
    public override TrainingSessionCommandType Type => TrainingSessionCommandType.RecordScores;
}

/// <summary>Closes a held session whose attendees are all scored.</summary>
[GenerateSerializer, Immutable, Alias("mc.CloseTrainingSession")]
public sealed record CloseTrainingSession(string SessionId) : TrainingSessionCommand(SessionId)
{
    /// <inheritdoc />
    public override TrainingSessionCommandType Type => TrainingSessionCommandType.Close;
}

/// <summary>Calls a scheduled session off.</summary>
[GenerateSerializer, Immutable, Alias("mc.CancelTrainingSession")]
public sealed record CancelTrainingSession(string SessionId) : TrainingSessionCommand(SessionId)
{
    /// <inheritdoc />
    public override TrainingSessionCommandType Type => TrainingSessionCommandType.Cancel;
}

/// <summary>The outcome of a training command (the staff outcomes, so one problem-details mapping serves all).</summary>
[GenerateSerializer, Immutable, Alias("mc.TrainingResult")]
public sealed record TrainingResult(
    [property: Id(0)] StaffOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] string? State,
    [property: Id(3)] IReadOnlyList<string> AllowedMoves,
    [property: Id(4)] TrainingPlan? Plan,
    [property: Id(5)] TrainingSession? Session,
    [property: Id(6)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == StaffOutcome.Applied;
}

/// <summary>
/// An organisation's training (人员培训, F8.2; key: <see cref="Organisation.Key"/>): its plans, sessions and re-training
/// obligations. Plan and session commands follow <see cref="TrainingWorkflow"/>; closing a session records each pass on
/// the attendee's staff record; staff records report post changes here, and a periodic review raises periodic and
/// overdue obligations.
/// </summary>
[Alias("mc.ITrainingGrain")]
public interface ITrainingGrain : IGrainWithStringKey
{
    /// <summary>Applies a plan or session command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<TrainingResult> ExecuteAsync(TrainingCommand command, StaffActor actor, string operationId);

    /// <summary>Takes a staff record's latest form (an older version changes nothing) and owes what its post asks.</summary>
    /// <remarks>One-way: staff records report here while this grain may be waiting on one of them (a closing session).</remarks>
    [Alias("HearPerson"), Orleans.Concurrency.OneWay]
    Task HearPersonAsync(TrainingPerson person);

    /// <summary>Plans, sessions and open obligations as of now.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<TrainingOverview> GetAsync();

    /// <summary>Every obligation of one person (open, fulfilled and dropped), newest first.</summary>
    [Alias("ObligationsOf"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<TrainingObligationView>> ObligationsOfAsync(string personId);

    /// <summary>Raises what is due as of now: periodic obligations, reminders of overdue ones (idempotent).</summary>
    [Alias("Review")]
    Task<TrainingOverview> ReviewAsync();

    /// <summary>
    /// A channel of the organisation now has <paramref name="levels"/> review levels, <paramref name="before"/> before the change
    /// (§8.1.5.5: a new review level is a change of the newsroom posts' business). More levels than before owe the newsroom
    /// posts' active post-basics and operating-skills plans again (not where one is open already); the same or fewer change
    /// nothing. Answers how many obligations were opened.
    /// </summary>
    [Alias("HearReviewLevels")]
    Task<int> HearReviewLevelsAsync(string channel, int before, int levels);
}

/// <summary>An organisation's training changed: the overview, whole.</summary>
[GenerateSerializer, Alias("mc.live.TrainingChanged")]
public sealed record TrainingChanged([property: Id(0)] TrainingOverview Overview) : LiveEvent;

/// <summary>One allowed move of a plan or a session.</summary>
public sealed record TrainingTransition<TState, TCommand>(TState? From, TCommand Command, StaffRole Roles, TState To, string Note)
    where TState : struct, Enum
    where TCommand : struct, Enum;

/// <summary>The state tables of training plans and sessions as data (docs/PEOPLE.md prints them; the grain tests walk them).</summary>
public static class TrainingWorkflow
{
    private const StaffRole Trainer = StaffRole.Trainer;

    /// <summary>Every allowed move of a plan.</summary>
    public static IReadOnlyList<TrainingTransition<TrainingPlanState, TrainingPlanCommandType>> PlanTransitions { get; } =
    [
        new(null, TrainingPlanCommandType.Create, Trainer, TrainingPlanState.Draft, "post, kind, title, cadence, skills, pass mark"),
        new(TrainingPlanState.Draft, TrainingPlanCommandType.Update, Trainer, TrainingPlanState.Draft, "fields left out stay"),
        new(TrainingPlanState.Draft, TrainingPlanCommandType.Activate, Trainer, TrainingPlanState.Active, "the post's people owe it"),
        new(TrainingPlanState.Draft, TrainingPlanCommandType.Retire, Trainer, TrainingPlanState.Retired, "never in force"),
        new(TrainingPlanState.Active, TrainingPlanCommandType.Update, Trainer, TrainingPlanState.Active, "a skill change: the post's people owe it again"),
        new(TrainingPlanState.Active, TrainingPlanCommandType.Retire, Trainer, TrainingPlanState.Retired, "open obligations dropped"),
    ];

    /// <summary>Every allowed move of a session.</summary>
    public static IReadOnlyList<TrainingTransition<TrainingSessionState, TrainingSessionCommandType>> SessionTransitions { get; } =
    [
        new(null, TrainingSessionCommandType.Schedule, Trainer, TrainingSessionState.Scheduled, "of an active plan; internal or external"),
        new(TrainingSessionState.Scheduled, TrainingSessionCommandType.Enrol, Trainer, TrainingSessionState.Scheduled, "active people of the organisation"),
        new(TrainingSessionState.Scheduled, TrainingSessionCommandType.RecordAttendance, Trainer, TrainingSessionState.Held, "the others are absent"),
        new(TrainingSessionState.Scheduled, TrainingSessionCommandType.Cancel, Trainer, TrainingSessionState.Cancelled, "nothing recorded"),
        new(TrainingSessionState.Held, TrainingSessionCommandType.RecordAttendance, Trainer, TrainingSessionState.Held, "corrected"),
        new(TrainingSessionState.Held, TrainingSessionCommandType.RecordScores, Trainer, TrainingSessionState.Held, "0–100 per attendee; confirmed skills"),
        new(TrainingSessionState.Held, TrainingSessionCommandType.Close, Trainer, TrainingSessionState.Closed,
            "every attendee scored; passes recorded on the staff records, obligations fulfilled"),
    ];

    /// <summary>The plan table as the API serves it.</summary>
    public static IReadOnlyList<Operations.WorkflowRow> PlanRows() => Rows(PlanTransitions);

    /// <summary>The session table as the API serves it.</summary>
    public static IReadOnlyList<Operations.WorkflowRow> SessionRows() => Rows(SessionTransitions);

    /// <summary>The months of a cadence; 0 for <see cref="TrainingCadence.Once"/>.</summary>
    public static int Months(TrainingCadence cadence) => cadence switch
    {
        TrainingCadence.Quarterly => 3,
        TrainingCadence.HalfYearly => 6,
        TrainingCadence.Yearly => 12,
        _ => 0,
    };

    private static List<Operations.WorkflowRow> Rows<TState, TCommand>(IEnumerable<TrainingTransition<TState, TCommand>> rows)
        where TState : struct, Enum
        where TCommand : struct, Enum =>
        [.. rows.Select(t => new Operations.WorkflowRow(t.From?.ToString(), t.Command.ToString(), t.Roles.ToString(), t.To.ToString(), t.Note))];
}
