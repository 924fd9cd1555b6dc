namespace MediaCenter.Grains.Incidents;

/// <summary>Where an incident (故障) is in its handling (F9.2).</summary>
public enum IncidentStage
{
    /// <summary>上报: reported, waiting for someone on call to acknowledge; escalates while it waits.</summary>
    Reported,

    /// <summary>已确认: someone on call owns it.</summary>
    Acknowledged,

    /// <summary>暂停对外服务: the affected channel's outward service is suspended.</summary>
    ServiceSuspended,

    /// <summary>已缓解: the impact is contained.</summary>
    Mitigated,

    /// <summary>已解决.</summary>
    Resolved,

    /// <summary>已记录原因: technical and management causes and corrective actions recorded (F9.2.3).</summary>
    RootCauseRecorded,

    /// <summary>已反馈: feedback sent to the access party and management (F9.2.4).</summary>
    FeedbackSent,

    /// <summary>已关闭.</summary>
    Closed,
}

/// <summary>P1 (most urgent) to P4.</summary>
public enum IncidentSeverity
{
    /// <summary>Outward service down or wrong information public.</summary>
    P1,

    /// <summary>Major impairment.</summary>
    P2,

    /// <summary>Minor impairment (a terminal offline).</summary>
    P3,

    /// <summary>Cosmetic or informational.</summary>
    P4,
}

/// <summary>Where a report came from.</summary>
public enum IncidentSource
{
    /// <summary>A terminal went offline or degraded.</summary>
    Terminal,

    /// <summary>A publication failed.</summary>
    Publishing,

    /// <summary>Another application anomaly (the daily patrol, a service).</summary>
    Application,

    /// <summary>A metric crossed its threshold.</summary>
    Metric,

    /// <summary>Reported by platform staff.</summary>
    Staff,

    /// <summary>Reported by an access party.</summary>
    AccessParty,
}

/// <summary>What can be done to an incident; <see cref="IncidentWorkflow.Transitions"/> says where and by whom.</summary>
public enum IncidentCommandType
{
    /// <summary>Open an incident.</summary>
    Report,

    /// <summary>Take ownership; stops escalation.</summary>
    Acknowledge,

    /// <summary>The platform escalates an unacknowledged incident to the next on-call level.</summary>
    Escalate,

    /// <summary>Suspend the affected channel's outward service (publishing refused, feeds 503).</summary>
    SuspendService,

    /// <summary>Reopen the outward service after verification.</summary>
    ResumeService,

    /// <summary>Record that the impact is contained.</summary>
    Mitigate,

    /// <summary>Record the fix.</summary>
    Resolve,

    /// <summary>Record the technical and management causes and corrective actions.</summary>
    RecordRootCause,

    /// <summary>Add or complete a corrective action.</summary>
    UpdateAction,

    /// <summary>Send feedback to the access party and management.</summary>
    SendFeedback,

    /// <summary>Confirm having read the feedback (read receipt).</summary>
    ReadFeedback,

    /// <summary>Close the incident.</summary>
    Close,

    /// <summary>Reopen it (the fault is back, or the fix did not hold).</summary>
    Reopen,

    /// <summary>Change the severity.</summary>
    SetSeverity,

    /// <summary>Cite the emergency plan being followed.</summary>
    CitePlan,

    /// <summary>Add a note to the timeline.</summary>
    Comment,

    /// <summary>The platform adds a member alert to a grouped incident (a terminal of the same party and region going out).</summary>
    JoinGroup,

    /// <summary>The platform marks a member of a grouped incident as back.</summary>
    MemberRecovered,

    /// <summary>Send the grouped incident's counts now; the platform gives it when a pending update's interval has passed.</summary>
    GroupUpdate,

    /// <summary>The monitoring that raised the incident reports the fault cleared (Alertmanager "resolved"): resolved by the platform.</summary>
    Clear,
}

/// <summary>Who may give an incident command.</summary>
[Flags]
public enum IncidentRole
{
    /// <summary>Nobody.</summary>
    None = 0,

    /// <summary>Platform administrators and operators (运营方, on call).</summary>
    Operator = 1,

    /// <summary>The management side (管理方).</summary>
    Management = 2,

    /// <summary>Users of the affected access party.</summary>
    Party = 4,

    /// <summary>The platform itself (automatic reports, escalation, repeats).</summary>
    System = 8,
}

/// <summary>Who is acting.</summary>
[GenerateSerializer, Alias("mc.IncidentActor")]
public sealed record IncidentActor(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] IncidentRole Roles,
    [property: Id(3)] string? PartyId)
{
    /// <summary>The platform's own actor.</summary>
    public static IncidentActor System { get; } = new(Guid.Empty, Msg.Of("incident.systemActor"), IncidentRole.System, null);
}

/// <summary>A report of a fault.</summary>
[GenerateSerializer, Alias("mc.IncidentReport")]
public sealed record IncidentReport(
    [property: Id(0)] string DedupKey,
    [property: Id(1)] IncidentSource Source,
    [property: Id(2)] IncidentSeverity Severity,
    [property: Id(3)] string Title,
    [property: Id(4)] string Detail,
    [property: Id(5)] string? PartyId,
    [property: Id(6)] string? Channel,
    [property: Id(7)] string? Subject,
    [property: Id(8)] DateTimeOffset At)
{
    /// <summary>The alert source this report stands for, when it opens a grouped incident (its first member).</summary>
    [Id(9)] public IncidentMember? Member { get; init; }

    /// <summary>The group the member belongs to (<see cref="AlertGroups.KeyOf"/>), with its region and kind for titles.</summary>
    [Id(10)] public string? GroupKey { get; init; }

    /// <summary>The region of the group.</summary>
    [Id(11)] public string? Region { get; init; }

    /// <summary>The party's application (接入应用) of the group.</summary>
    [Id(40)] public string? Application { get; init; }
}

/// <summary>A corrective action (整改措施) tracked to done.</summary>
[GenerateSerializer, Alias("mc.CorrectiveAction")]
public sealed record CorrectiveAction(
    [property: Id(0)] int Number,
    [property: Id(1)] string Description,
    [property: Id(2)] string Owner,
    [property: Id(3)] DateOnly Due,
    [property: Id(4)] DateTimeOffset? DoneAt);

/// <summary>
/// What kind of cause an incident had, for reports that count causes (F8.6, F9.2.3): hardware, network, power, software,
/// configuration, a third party's service, an operating mistake, the environment (heat, water, site), or management (a process
/// that let it happen); <see cref="Unknown"/> when the analysis could not tell.
/// </summary>
public enum RootCauseCategory
{
    Hardware,
    Network,
    Power,
    Software,
    Configuration,
    ThirdParty,
    Operation,
    Environment,
    Management,
    Unknown,
}

/// <summary>Technical and management causes (F9.2.3), and the category reports count them by (absent in causes recorded before categories).</summary>
[GenerateSerializer, Alias("mc.RootCause")]
public sealed record RootCause(
    [property: Id(0)] string Technical,
    [property: Id(1)] string Management,
    [property: Id(2)] RootCauseCategory? Category = null);

/// <summary>A read receipt of the feedback.</summary>
[GenerateSerializer, Alias("mc.FeedbackReceipt")]
public sealed record FeedbackReceipt([property: Id(0)] Guid UserId, [property: Id(1)] string Name, [property: Id(2)] DateTimeOffset At);

/// <summary>
/// A command to an incident: one record per kind of move, carrying only its own arguments (nullable where the caller
/// may omit them, so the grain answers with its own 422 message). <see cref="Text"/> is the note any command may carry
/// into the timeline: the reason, the verification, the feedback, the comment.
/// </summary>
[GenerateSerializer, Alias("mc.IncidentCommand")]
public abstract record IncidentCommand
{
    /// <summary>The row set of <see cref="IncidentWorkflow.Transitions"/> this command is checked against.</summary>
    public abstract IncidentCommandType Type { get; }

    /// <summary>A note: the reason, the verification, the feedback text, the comment.</summary>
    [Id(0)] public string? Text { get; init; }

    /// <summary>Opens an incident.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Report")]
    public sealed record Report : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Report;

        /// <summary>What happened.</summary>
        [Id(0)] public IncidentReport? Fault { get; init; }
    }

    /// <summary>Someone on call takes ownership; escalation stops.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Acknowledge")]
    public sealed record Acknowledge : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Acknowledge;
    }

    /// <summary>The platform escalates an unacknowledged incident to the next on-call level.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Escalate")]
    public sealed record Escalate : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Escalate;
    }

    /// <summary>Suspends the affected channel's outward service; <see cref="Text"/> is the reason (required).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.SuspendService")]
    public sealed record SuspendService : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.SuspendService;

        /// <summary>The channel to suspend (default: the incident's channel).</summary>
        [Id(0)] public string? Channel { get; init; }
    }

    /// <summary>Reopens the outward service; <see cref="Text"/> notes the verification (required).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.ResumeService")]
    public sealed record ResumeService : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.ResumeService;
    }

    /// <summary>Records that the impact is contained.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Mitigate")]
    public sealed record Mitigate : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Mitigate;
    }

    /// <summary>Records the fix.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Resolve")]
    public sealed record Resolve : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Resolve;
    }

    /// <summary>Records the technical and management causes, and optionally a first corrective action.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.RecordRootCause")]
    public sealed record RecordRootCause : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.RecordRootCause;

        /// <summary>Both causes (required).</summary>
        [Id(0)] public RootCause? RootCause { get; init; }

        /// <summary>A first corrective action (Number 0).</summary>
        [Id(1)] public CorrectiveAction? Action { get; init; }
    }

    /// <summary>Adds a corrective action (Number 0) or marks one done (its number).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.UpdateAction")]
    public sealed record UpdateAction : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.UpdateAction;

        /// <summary>The action.</summary>
        [Id(0)] public CorrectiveAction? Action { get; init; }
    }

    /// <summary>Sends feedback to the access party and management; <see cref="Text"/> is the feedback (required).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.SendFeedback")]
    public sealed record SendFeedback : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.SendFeedback;
    }

    /// <summary>Confirms having read the feedback (read receipt).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.ReadFeedback")]
    public sealed record ReadFeedback : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.ReadFeedback;
    }

    /// <summary>Closes the incident (every corrective action done).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Close")]
    public sealed record Close : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Close;
    }

    /// <summary>Reopens it: the fault is back, or the fix did not hold.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Reopen")]
    public sealed record Reopen : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Reopen;
    }

    /// <summary>Changes the severity.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.SetSeverity")]
    public sealed record SetSeverity : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.SetSeverity;

        /// <summary>P1–P4 (required).</summary>
        [Id(0)] public IncidentSeverity? Severity { get; init; }
    }

    /// <summary>Cites the emergency plan followed, at its effective version.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.CitePlan")]
    public sealed record CitePlan : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.CitePlan;

        /// <summary>The plan.</summary>
        [Id(0)] public string? PlanId { get; init; }

        /// <summary>The plan's effective version followed.</summary>
        [Id(1)] public int? PlanVersion { get; init; }
    }

    /// <summary>Adds a note to the timeline; <see cref="Text"/> is the note (required).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Comment")]
    public sealed record Comment : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Comment;
    }

    /// <summary>
    /// Adds member alerts to the grouped incident (or marks recovered members out again). A storm's members come in batches:
    /// the command applies to all of them or, when one is outside the group window, to none.
    /// </summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.JoinGroup")]
    public sealed record JoinGroup : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.JoinGroup;

        /// <summary>One member (this or <see cref="Members"/> is required).</summary>
        [Id(0)] public IncidentMember? Member { get; init; }

        /// <summary>Several members at once.</summary>
        [Id(1)] public IReadOnlyList<IncidentMember>? Members { get; init; }

        /// <summary>The members named by the command, the single one included.</summary>
        public IReadOnlyList<IncidentMember> All => [.. (Member is null ? [] : new[] { Member }), .. Members ?? []];
    }

    /// <summary>Marks a member of the grouped incident as back; <see cref="Text"/> is how it came back.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.MemberRecovered")]
    public sealed record MemberRecovered : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.MemberRecovered;

        /// <summary>The member's id (this or <see cref="MemberIds"/> is required).</summary>
        [Id(0)] public string? MemberId { get; init; }

        /// <summary>Several members back at once: all of them must be members (those already back are left as they are).</summary>
        [Id(1)] public IReadOnlyList<string>? MemberIds { get; init; }

        /// <summary>The members named by the command, the single one included.</summary>
        public IReadOnlyList<string> All => [.. (MemberId is null ? [] : new[] { MemberId }), .. MemberIds ?? []];
    }

    /// <summary>The monitoring source reports the fault cleared; <see cref="Text"/> says which source and when.</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.Clear")]
    public sealed record Clear : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.Clear;
    }

    /// <summary>Sends the grouped incident's counts now (the platform gives it when a pending update falls due).</summary>
    [GenerateSerializer, Alias("mc.IncidentCommand.GroupUpdate")]
    public sealed record GroupUpdate : IncidentCommand
    {
        /// <inheritdoc/>
        public override IncidentCommandType Type => IncidentCommandType.GroupUpdate;
    }
}

/// <summary>How a command ended.</summary>
public enum IncidentOutcome
{
    /// <summary>Applied (or a repeat of an applied operation id).</summary>
    Applied,

    /// <summary>Not allowed in the current stage (409).</summary>
    IllegalMove,

    /// <summary>The caller lacks the role (403).</summary>
    Forbidden,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>No such incident (404).</summary>
    NotFound,
}

/// <summary>One entry of the timeline.</summary>
[GenerateSerializer, Alias("mc.IncidentTimelineEntry")]
public sealed record IncidentTimelineEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] IncidentCommandType Command,
    [property: Id(4)] IncidentStage From,
    [property: Id(5)] IncidentStage To,
    [property: Id(6)] string? Text);

/// <summary>An incident now.</summary>
[GenerateSerializer, Alias("mc.IncidentSnapshot")]
public sealed record IncidentSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] IncidentStage Stage,
    [property: Id(2)] IncidentSeverity Severity,
    [property: Id(3)] IncidentSource Source,
    [property: Id(4)] string DedupKey,
    [property: Id(5)] string Title,
    [property: Id(6)] string Detail,
    [property: Id(7)] string? PartyId,
    [property: Id(8)] string? Channel,
    [property: Id(9)] string? Subject,
    [property: Id(10)] DateTimeOffset ReportedAt,
    [property: Id(11)] DateTimeOffset? AcknowledgedAt,
    [property: Id(12)] DateTimeOffset? ResolvedAt,
    [property: Id(13)] DateTimeOffset? ClosedAt,
    [property: Id(14)] int Occurrences,
    [property: Id(15)] DateTimeOffset LastOccurrenceAt,
    [property: Id(16)] int EscalationLevel,
    [property: Id(17)] DateTimeOffset? EscalatesAt,
    [property: Id(18)] string? SuspendedChannel,
    [property: Id(19)] RootCause? RootCause,
    [property: Id(20)] IReadOnlyList<CorrectiveAction> Actions,
    [property: Id(21)] string? Feedback,
    [property: Id(22)] IReadOnlyList<FeedbackReceipt> FeedbackReads,
    [property: Id(23)] string? PlanId,
    [property: Id(24)] int? PlanVersion,
    [property: Id(25)] string? Owner,
    [property: Id(26)] long Version,
    [property: Id(27)] IReadOnlyList<IncidentTimelineEntry> Timeline)
{
    /// <summary>The group of member alerts this incident stands for (null for incidents of other sources).</summary>
    [Id(28)] public IncidentGroupView? Group { get; init; }
}

/// <summary>The result of a command.</summary>
[GenerateSerializer, Alias("mc.IncidentResult")]
public sealed record IncidentResult(
    [property: Id(0)] IncidentOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] IncidentStage? Stage,
    [property: Id(3)] IReadOnlyList<IncidentCommandType> AllowedMoves,
    [property: Id(4)] long Version)
{
    /// <summary>True when applied.</summary>
    public bool Ok => Outcome == IncidentOutcome.Applied;
}

/// <summary>A notification for the alert centre and webhooks.</summary>
[GenerateSerializer, Alias("mc.IncidentNotification")]
public sealed record IncidentNotification(
    [property: Id(0)] string Id,
    [property: Id(1)] string Audience,
    [property: Id(2)] string Kind,
    [property: Id(3)] string IncidentId,
    [property: Id(4)] string? PartyId,
    [property: Id(5)] IncidentSeverity Severity,
    [property: Id(6)] string Title,
    [property: Id(7)] string Body,
    [property: Id(8)] DateTimeOffset At)
{
    /// <summary>For a grouped incident: the counts and a bounded member list (webhook payloads carry it).</summary>
    [Id(9)] public IncidentGroupDigest? Group { get; init; }
}
