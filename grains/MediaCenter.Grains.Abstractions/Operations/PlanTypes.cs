namespace MediaCenter.Grains.Operations;

/// <summary>The state of one plan version. See <see cref="PlanWorkflow"/>.</summary>
public enum PlanState
{
    /// <summary>草稿: being written by its author; also where management returns a submission to.</summary>
    Draft,

    /// <summary>待审批: submitted, waiting for management.</summary>
    Submitted,

    /// <summary>已批准: approved by management; the newest approved version is the effective one.</summary>
    Approved,

    /// <summary>已被取代: an approved version a newer approval replaced. Kept, never changed.</summary>
    Superseded,
}

/// <summary>What can be done to a plan. Each is a set of rows of <see cref="PlanWorkflow.Transitions"/>.</summary>
public enum PlanCommandType
{
    /// <summary>The author creates a plan (version 1, a draft).</summary>
    Create,

    /// <summary>The author edits the open draft, or starts a new draft version from an approved plan.</summary>
    SaveDraft,

    /// <summary>The author submits the draft for approval (it must be complete).</summary>
    Submit,

    /// <summary>Management approves: the version becomes the effective one.</summary>
    Approve,

    /// <summary>Management returns the submission to draft, with a reason.</summary>
    Return,
}

/// <summary>A plan command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.PlanCommand")]
public abstract record PlanCommand
{
    /// <summary>Which command this is.</summary>
    public abstract PlanCommandType Type { get; }
}

/// <summary>Creates a plan of an access party; version 1 is a draft.</summary>
[GenerateSerializer, Immutable, Alias("mc.CreatePlan")]
public sealed record CreatePlan(
    [property: Id(0)] string PartyId,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? Scenario,
    [property: Id(3)] PlanContent? Content) : PlanCommand
{
    /// <inheritdoc />
    public override PlanCommandType Type => PlanCommandType.Create;
}

/// <summary>Saves the draft, edited from <see cref="Revision"/>; title and scenario left out stay.</summary>
[GenerateSerializer, Immutable, Alias("mc.SavePlanDraft")]
public sealed record SavePlanDraft(
    [property: Id(0)] long? Revision,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? Scenario,
    [property: Id(3)] PlanContent? Content) : PlanCommand
{
    /// <inheritdoc />
    public override PlanCommandType Type => PlanCommandType.SaveDraft;
}

/// <summary>Submits the open draft for approval.</summary>
[GenerateSerializer, Immutable, Alias("mc.SubmitPlan")]
public sealed record SubmitPlan : PlanCommand
{
    /// <inheritdoc />
    public override PlanCommandType Type => PlanCommandType.Submit;
}

/// <summary>Approves the waiting version (optionally naming the version the approver read).</summary>
[GenerateSerializer, Immutable, Alias("mc.ApprovePlan")]
public sealed record ApprovePlan([property: Id(0)] int? Version) : PlanCommand
{
    /// <inheritdoc />
    public override PlanCommandType Type => PlanCommandType.Approve;
}

/// <summary>Returns the waiting version to draft with a reason.</summary>
[GenerateSerializer, Immutable, Alias("mc.ReturnPlan")]
public sealed record ReturnPlan([property: Id(0)] int? Version, [property: Id(1)] string? Reason) : PlanCommand
{
    /// <inheritdoc />
    public override PlanCommandType Type => PlanCommandType.Return;
}

/// <summary>
/// The structured content of a plan version: organisation and duties, resources, risks (likelihood and impact
/// 1–5, scored), prevention, ordered response steps, fallback arrangements, and how often the plan is drilled.
/// </summary>
/// <param name="DrillEveryDays">
/// 定期演练: a drill is due this many days (1–3650) after the last one held; null: no cadence. Part of the content, so
/// a change is approved like any other, and the cadence in force is the effective version's.
/// </param>
[GenerateSerializer, Immutable, Alias("mc.PlanContent")]
public sealed record PlanContent(
    [property: Id(0)] IReadOnlyList<PlanDuty>? Organisation,
    [property: Id(1)] IReadOnlyList<PlanResource>? Resources,
    [property: Id(2)] IReadOnlyList<PlanRisk>? Risks,
    [property: Id(3)] IReadOnlyList<PlanMeasure>? Prevention,
    [property: Id(4)] IReadOnlyList<PlanStep>? ResponseSteps,
    [property: Id(5)] IReadOnlyList<PlanFallback>? Fallback,
    [property: Id(6)] int? DrillEveryDays = null);

/// <summary>组织与职责: a role, who holds it, its duties.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanDuty")]
public sealed record PlanDuty([property: Id(0)] string? Role, [property: Id(1)] string? Person, [property: Id(2)] string? Duties, [property: Id(3)] string? Contact);

/// <summary>资源保障: a resource kept ready.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanResource")]
public sealed record PlanResource([property: Id(0)] string? Name, [property: Id(1)] string? Kind, [property: Id(2)] string? Quantity,
    [property: Id(3)] string? Location, [property: Id(4)] string? Custodian);

/// <summary>风险识别与评估: likelihood and impact 1–5; the score (their product) and level are computed.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanRisk")]
public sealed record PlanRisk([property: Id(0)] string? Name, [property: Id(1)] string? Description, [property: Id(2)] int? Likelihood,
    [property: Id(3)] int? Impact, [property: Id(4)] string? Mitigation, [property: Id(5)] int? Score = null, [property: Id(6)] string? Level = null);

/// <summary>预防措施.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanMeasure")]
public sealed record PlanMeasure([property: Id(0)] string? Measure, [property: Id(1)] string? Owner, [property: Id(2)] string? Frequency);

/// <summary>应急处置步骤: numbered 1, 2, 3 … in the order given.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanStep")]
public sealed record PlanStep([property: Id(0)] int? Order, [property: Id(1)] string? Action, [property: Id(2)] string? Owner, [property: Id(3)] int? TimeLimitMinutes);

/// <summary>兜底安排: what happens when the response does not work.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanFallback")]
public sealed record PlanFallback([property: Id(0)] string? Arrangement, [property: Id(1)] string? Trigger, [property: Id(2)] string? Owner);

/// <summary>A plan as lists show it.</summary>
/// <param name="DrillEveryDays">The drill cadence in force (the effective version's): a drill is due this many days after the last one held.</param>
[GenerateSerializer, Immutable, Alias("mc.PlanSummary")]
public sealed record PlanSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartyId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Scenario,
    [property: Id(4)] int LatestVersion,
    [property: Id(5)] PlanState LatestState,
    [property: Id(6)] int? EffectiveVersion,
    [property: Id(7)] long Revision,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] int? DrillEveryDays);

/// <summary>One version's life, without its content.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanVersionInfo")]
public sealed record PlanVersionInfo(
    [property: Id(0)] int Version,
    [property: Id(1)] PlanState State,
    [property: Id(2)] string Title,
    [property: Id(3)] string Scenario,
    [property: Id(4)] string CreatedBy,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string EditedBy,
    [property: Id(7)] DateTimeOffset EditedAt,
    [property: Id(8)] string? SubmittedBy,
    [property: Id(9)] DateTimeOffset? SubmittedAt,
    [property: Id(10)] string? ApprovedBy,
    [property: Id(11)] DateTimeOffset? ApprovedAt,
    [property: Id(12)] string? ReturnedBy,
    [property: Id(13)] DateTimeOffset? ReturnedAt,
    [property: Id(14)] string? ReturnReason,
    [property: Id(15)] DateTimeOffset? SupersededAt,
    [property: Id(16)] Guid? ApprovedById = null);

/// <summary>One version with its content.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanVersionDocument")]
public sealed record PlanVersionDocument([property: Id(0)] string PlanId, [property: Id(1)] PlanVersionInfo Info, [property: Id(2)] PlanContent Content);

/// <summary>A plan in full: summary, every version's life, the latest version's content and the commands allowed on it.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanDetail")]
public sealed record PlanDetail(
    [property: Id(0)] PlanSummary Plan,
    [property: Id(1)] IReadOnlyList<PlanVersionInfo> Versions,
    [property: Id(2)] PlanContent LatestContent,
    [property: Id(3)] IReadOnlyList<PlanCommandType> AllowedMoves);

/// <summary>The version in force: what an incident cites.</summary>
[GenerateSerializer, Immutable, Alias("mc.EffectivePlan")]
public sealed record EffectivePlan(
    [property: Id(0)] string PlanId,
    [property: Id(1)] string PartyId,
    [property: Id(2)] int Version,
    [property: Id(3)] string Title,
    [property: Id(4)] string Scenario,
    [property: Id(5)] string ApprovedBy,
    [property: Id(6)] DateTimeOffset ApprovedAt,
    [property: Id(7)] PlanContent Content);

/// <summary>A plan as the read tables and the journal hold it: its summary and every version with its content.</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanRecord")]
public sealed record PlanRecord(
    [property: Id(0)] PlanSummary Summary,
    [property: Id(1)] Guid CreatedById,
    [property: Id(2)] IReadOnlyList<PlanVersionDocument> Versions);

/// <summary>One entry of a plan's history (one per revision).</summary>
[GenerateSerializer, Immutable, Alias("mc.PlanHistoryEntry")]
public sealed record PlanHistoryEntry(
    [property: Id(0)] long Revision,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] PlanCommandType Command,
    [property: Id(4)] int PlanVersion,
    [property: Id(5)] PlanState? From,
    [property: Id(6)] PlanState To,
    [property: Id(7)] string? Comment);

/// <summary>The outcome of a plan command: on success the summary after it, otherwise the reason, the state and the moves allowed there.</summary>
/// <param name="Replay">True when this is the stored answer to an operation id applied before.</param>
[GenerateSerializer, Immutable, Alias("mc.PlanResult")]
public sealed record PlanResult(
    [property: Id(0)] OpsOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] PlanState? State,
    [property: Id(3)] IReadOnlyList<PlanCommandType> AllowedMoves,
    [property: Id(4)] PlanSummary? Plan,
    [property: Id(5)] IReadOnlyList<string>? Errors = null,
    [property: Id(6)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == OpsOutcome.Applied;
}

/// <summary>
/// An emergency plan (应急预案, F9.3, standard §9.3.3) of an access party, keyed by the plan id. The operator (for any
/// party) or the party's own users write it; management approves it. Commands follow <see cref="PlanWorkflow"/>;
/// every command carries an operation id, stored with the state, so a repeat returns the first result.
/// </summary>
[Alias("mc.IPlanGrain")]
public interface IPlanGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<PlanResult> ExecuteAsync(PlanCommand command, OpsActor actor, string operationId);

    /// <summary>The plan in full, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<PlanDetail?> GetAsync();

    /// <summary>One version with its content, or null.</summary>
    [Alias("GetVersion"), Orleans.Concurrency.ReadOnly]
    Task<PlanVersionDocument?> GetVersionAsync(int version);

    /// <summary>The version in force (the latest approved one), or null while none is approved.</summary>
    [Alias("GetEffective"), Orleans.Concurrency.ReadOnly]
    Task<EffectivePlan?> GetEffectiveAsync();
}
