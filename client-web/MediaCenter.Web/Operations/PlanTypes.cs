namespace MediaCenter.Web.Operations;

/// <summary>The state of one plan version.</summary>
public enum PlanState
{
    /// <summary>草稿: being written by the party; also where management returns a submission to.</summary>
    Draft,

    /// <summary>待审批: submitted, waiting for management.</summary>
    Submitted,

    /// <summary>已批准: approved by management; the newest approved version is the effective one.</summary>
    Approved,

    /// <summary>已被取代: an approved version a newer approval replaced. Kept, never changed.</summary>
    Superseded,
}

/// <summary>What can be done to a plan.</summary>
public enum PlanCommand
{
    /// <summary>A party user creates a plan (version 1, a draft).</summary>
    Create,

    /// <summary>A party user edits the open draft, or starts a new draft version from an approved plan.</summary>
    SaveDraft,

    /// <summary>A party user submits the draft for approval (it must be complete).</summary>
    Submit,

    /// <summary>Management approves: the version becomes the effective one.</summary>
    Approve,

    /// <summary>Management returns the submission to draft, with a reason.</summary>
    Return,
}

/// <summary>Who acts on plans.</summary>
public enum PlanActor
{
    /// <summary>A user (admin or member) of the plan's access party.</summary>
    PartyUser,

    /// <summary>管理方 management.</summary>
    Management,
}

/// <summary>One allowed move on the plan's latest version.</summary>
public sealed record PlanTransition(PlanState? From, PlanCommand Command, PlanActor Who, PlanState To, string Note);

/// <summary>
/// The plan state table as data. The rows apply to the plan's latest version; anything else is 409 naming the
/// state and the moves allowed there. docs/OPERATIONS-PLANS.md prints it.
/// </summary>
public static class PlanWorkflow
{
    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<PlanTransition> Transitions { get; } =
    [
        new(null, PlanCommand.Create, PlanActor.PartyUser, PlanState.Draft, "version 1"),
        new(PlanState.Draft, PlanCommand.SaveDraft, PlanActor.PartyUser, PlanState.Draft, "same version; needs the plan's current revision"),
        new(PlanState.Draft, PlanCommand.Submit, PlanActor.PartyUser, PlanState.Submitted, "every section filled, every risk rated"),
        new(PlanState.Submitted, PlanCommand.Approve, PlanActor.Management, PlanState.Approved, "becomes effective; the previously approved version becomes Superseded"),
        new(PlanState.Submitted, PlanCommand.Return, PlanActor.Management, PlanState.Draft, "reason required"),
        new(PlanState.Approved, PlanCommand.SaveDraft, PlanActor.PartyUser, PlanState.Draft, "a new version; the approved one stays effective until the new one is approved"),
    ];

    /// <summary>The move for a command on a latest version in a state, or null when it is illegal there.</summary>
    public static PlanTransition? Find(PlanState? from, PlanCommand command) =>
        Transitions.FirstOrDefault(t => t.From == from && t.Command == command);

    /// <summary>Commands allowed in a state.</summary>
    public static IReadOnlyList<PlanCommand> AllowedIn(PlanState? from) => Transitions.Where(t => t.From == from).Select(t => t.Command).ToList();
}

/// <summary>
/// The structured content of a plan version: organisation and duties, resources, risks (likelihood and impact
/// 1–5, scored), prevention, ordered response steps, fallback arrangements.
/// </summary>
public sealed record PlanContent(
    IReadOnlyList<PlanDuty>? Organisation,
    IReadOnlyList<PlanResource>? Resources,
    IReadOnlyList<PlanRisk>? Risks,
    IReadOnlyList<PlanMeasure>? Prevention,
    IReadOnlyList<PlanStep>? ResponseSteps,
    IReadOnlyList<PlanFallback>? Fallback);

/// <summary>组织与职责: a role, who holds it, its duties.</summary>
public sealed record PlanDuty(string? Role, string? Person, string? Duties, string? Contact);

/// <summary>资源保障: a resource kept ready.</summary>
public sealed record PlanResource(string? Name, string? Kind, string? Quantity, string? Location, string? Custodian);

/// <summary>风险识别与评估: likelihood and impact 1–5; the score (their product) and level are computed.</summary>
public sealed record PlanRisk(string? Name, string? Description, int? Likelihood, int? Impact, string? Mitigation, int? Score = null, string? Level = null);

/// <summary>预防措施.</summary>
public sealed record PlanMeasure(string? Measure, string? Owner, string? Frequency);

/// <summary>应急处置步骤: numbered 1, 2, 3 … in the order given.</summary>
public sealed record PlanStep(int? Order, string? Action, string? Owner, int? TimeLimitMinutes);

/// <summary>兜底安排: what happens when the response does not work.</summary>
public sealed record PlanFallback(string? Arrangement, string? Trigger, string? Owner);

/// <summary>A plan as lists show it.</summary>
public sealed record PlanSummary(string Id, string PartyId, string Title, string Scenario, int LatestVersion, PlanState LatestState,
    int? EffectiveVersion, long Revision, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One version's life, without its content.</summary>
public sealed record PlanVersionInfo(int Version, PlanState State, string Title, string Scenario, string CreatedBy, DateTimeOffset CreatedAt,
    string EditedBy, DateTimeOffset EditedAt, string? SubmittedBy, DateTimeOffset? SubmittedAt, string? ApprovedBy, DateTimeOffset? ApprovedAt,
    string? ReturnedBy, DateTimeOffset? ReturnedAt, string? ReturnReason, DateTimeOffset? SupersededAt);

/// <summary>One version with its content.</summary>
public sealed record PlanVersionDocument(string PlanId, PlanVersionInfo Info, PlanContent Content);

/// <summary>A plan in full: summary, every version's life, and the latest version's content.</summary>
public sealed record PlanDetail(PlanSummary Plan, IReadOnlyList<PlanVersionInfo> Versions, PlanContent LatestContent,
    IReadOnlyList<PlanCommand> AllowedMoves);

/// <summary>The version in force: what an incident cites.</summary>
public sealed record EffectivePlan(string PlanId, string PartyId, int Version, string Title, string Scenario, string ApprovedBy,
    DateTimeOffset ApprovedAt, PlanContent Content);

/// <summary>The state of a drill.</summary>
public enum DrillState
{
    /// <summary>计划中.</summary>
    Scheduled,

    /// <summary>已完成: run and recorded.</summary>
    Completed,

    /// <summary>已取消.</summary>
    Cancelled,
}

/// <summary>A drill participant.</summary>
public sealed record DrillParticipant(string? Name, string? Role, string? Organisation);

/// <summary>A follow-up action a drill produced.</summary>
public sealed record DrillFollowUp(string? Action, string? Owner, DateOnly? DueOn);

/// <summary>A drill (演练).</summary>
public sealed record DrillView(string Id, string PlanId, string PartyId, string Scenario, DateTimeOffset ScheduledAt, DrillState State,
    int? PlanVersion, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, IReadOnlyList<DrillParticipant> Participants, IReadOnlyList<string> Findings,
    IReadOnlyList<DrillFollowUp> FollowUps, string? Summary, string? CancelReason, string ScheduledBy, string? RecordedBy, DateTimeOffset? RecordedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The kind of a promotion campaign.</summary>
public enum CampaignKind
{
    /// <summary>节日: a holiday campaign.</summary>
    Holiday,

    /// <summary>专题: a topical campaign.</summary>
    Topical,
}

/// <summary>The operator's support of a campaign.</summary>
public enum CampaignSupport
{
    /// <summary>Not yet decided.</summary>
    Pending,

    /// <summary>支持.</summary>
    Supported,

    /// <summary>不支持.</summary>
    Declined,
}

/// <summary>A promotion campaign (推广活动, F9.1).</summary>
public sealed record CampaignView(string Id, string PartyId, string Title, CampaignKind Kind, DateOnly StartsOn, DateOnly EndsOn, string Description,
    CampaignSupport Support, string? SupportNote, string? SupportedBy, DateTimeOffset? SupportedAt, string RegisteredBy, DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt);
