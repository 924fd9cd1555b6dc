using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Operations;

/// <summary>Stored state of a drill. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.DrillGrainState")]
public sealed class DrillGrainState
{
    /// <summary>The drill as it is now; null until it is scheduled.</summary>
    [Id(0)] public DrillView? Drill { get; set; }
    [Id(1)] public List<DrillHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<DrillResult>> Applied { get; set; } = [];
}

/// <summary>
/// One drill of a plan. Commands run through the command pipeline against <see cref="DrillWorkflow"/>; scheduling
/// takes the plan's party from the plan grain, recording keeps the plan version in force at that moment. The read
/// table and the event log follow through <see cref="IOperationsJournal"/>; a drill written before the grains owned
/// drills starts from its row.
/// </summary>
internal sealed partial class DrillGrain : Grain, IDrillGrain
{
    private const int MaxText = 4000;
    private const int MaxParticipants = 500;
    private const int MaxItems = 200;

    // A drill's end a little ahead of the server's clock is a clock difference, not a drill in the future.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly WorkflowTable<DrillState, DrillCommandType, OpsRole> Table = new(
        DrillWorkflow.Transitions.Select(t => new Transition<DrillState, DrillCommandType, OpsRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<DrillGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IOperationsJournal _journal;
    private readonly ILogger<DrillGrain> _logger;
    private readonly CommandPipeline<DrillGrainState, DrillState, DrillCommandType, OpsRole, DrillResult> _pipeline;
    private long? _logFrom;

    public DrillGrain(
        [PersistentState("drill", StorageNames.Main)] IPersistentState<DrillGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOperationsJournal journal,
        Orleans.Serialization.DeepCopier<DrillGrainState> copier,
        ILogger<DrillGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<DrillGrainState, DrillState, DrillCommandType, OpsRole, DrillResult>
        {
            Table = Table,
            StageOf = s => s.Drill?.State,
            Operations = OperationMemory<DrillGrainState, DrillResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<DrillResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
            NotFoundMessage = Msg.Of("ops.drill.notFound"),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            Reread = () => _logFrom = S.History.Count > 0 ? S.History[0].Version : null,
        });
    }

    private DrillGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Drill is null)
        {
            // Drills written before the grains owned them live only in the read table: start from there.
            S.Drill = await _journal.LoadDrillAsync(Id, cancellationToken);
            return;
        }

        _logFrom = S.History.Count > 0 ? S.History[0].Version : null;
        await _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<DrillView?> GetAsync() => Task.FromResult(View());

    public Task<DrillResult> ExecuteAsync(DrillCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<DrillState, DrillCommandType, OpsRole, DrillResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition => DecideAsync(command, actor, transition.To!.Value),
        });

    private async Task<DrillResult> DecideAsync(DrillCommand command, OpsActor actor, DrillState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Drill?.State;
        string? comment = null;
        switch (command)
        {
            case ScheduleDrill c:
                {
                    var scenario = OpsGrainSupport.Required(c.Scenario, MaxText);
                    if (scenario is null || c.ScheduledAt is not { } at)
                    {
                        return Invalid(Msg.Of("ops.drill.scheduleRequired", ("max", MaxText)));
                    }

                    var plan = string.IsNullOrWhiteSpace(c.PlanId) ? null : await GrainFactory.GetGrain<IPlanGrain>(c.PlanId).GetAsync();
                    if (plan is null)
                    {
                        return Invalid(Msg.Of("ops.drill.planNotFound", ("plan", c.PlanId)));
                    }

                    S.Drill = new DrillView(Id, plan.Plan.Id, plan.Plan.PartyId, scenario, at.ToUniversalTime(), to, null, null, null, new List<DrillParticipant>(),
                        new List<string>(), new List<DrillFollowUp>(), null, null,
                        actor.Name, null, null, now, 1, false, now);
                    break;
                }

            case RecordDrill c:
                {
                    if (c.StartedAt is not { } started || c.EndedAt is not { } ended || ended < started || ended > now + ClockSkew)
                    {
                        return Invalid(Msg.Of("ops.drill.timesInvalid"));
                    }

                    var participants = (c.Participants ?? []).Where(p => p is not null).ToList();
                    if (participants.Count is 0 or > MaxParticipants || participants.Any(p => string.IsNullOrWhiteSpace(p.Name)))
                    {
                        return Invalid(Msg.Of("ops.drill.participants", ("max", MaxParticipants)));
                    }

                    var findings = (c.Findings ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => f.Trim()).ToList();
                    var followUps = (c.FollowUps ?? []).Where(f => f is not null).ToList();
                    if (findings.Count > MaxItems || followUps.Count > MaxItems || followUps.Any(f => string.IsNullOrWhiteSpace(f.Action))
                        || findings.Any(f => f.Length > MaxText) || !OpsGrainSupport.FitsOptional(c.Summary, MaxText))
                    {
                        return Invalid(Msg.Of("ops.drill.findings", ("max", MaxItems), ("length", MaxText)));
                    }

                    // The plan version in force when the drill is recorded (null when the plan has none approved).
                    var effective = await GrainFactory.GetGrain<IPlanGrain>(S.Drill!.PlanId).GetEffectiveAsync();
                    S.Drill = S.Drill with
                    {
                        State = to,
                        StartedAt = started.ToUniversalTime(),
                        EndedAt = ended.ToUniversalTime(),
                        Participants = participants.Select(p => new DrillParticipant(p.Name!.Trim(), OpsGrainSupport.Optional(p.Role), OpsGrainSupport.Optional(p.Organisation))).ToList(),
                        Findings = findings,
                        FollowUps = followUps.Select(f => new DrillFollowUp(f.Action!.Trim(), OpsGrainSupport.Optional(f.Owner), f.DueOn)).ToList(),
                        Summary = OpsGrainSupport.Optional(c.Summary),
                        PlanVersion = effective?.Version,
                        RecordedBy = actor.Name,
                        RecordedAt = now,
                    };
                    break;
                }

            case CancelDrill c:
                {
                    var reason = OpsGrainSupport.Required(c.Reason, MaxText);
                    if (reason is null)
                    {
                        return Invalid(Msg.Of("ops.reasonRequiredMax", ("max", MaxText)));
                    }

                    S.Drill = S.Drill! with { State = to, CancelReason = reason, RecordedBy = actor.Name };
                    comment = reason;
                    break;
                }

            default:
                return Invalid(Msg.Of("ops.unknownCommand"));
        }

        var version = from is null ? 1 : S.Drill.Version + 1;
        S.Drill = S.Drill with { Version = version, UpdatedAt = now };
        var entry = new DrillHistoryEntry(version, now, actor.Name, command.Type, from, S.Drill.State, comment);
        S.History.Add(entry);
        _logFrom ??= entry.Version;
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Drill.State.ToString());
        return new DrillResult(OpsOutcome.Applied, null, S.Drill.State, Table.AllowedIn(S.Drill.State), View());
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Drill is not { } drill)
        {
            return;
        }

        if (_logFrom is { } from)
        {
            foreach (var entry in S.History.Where(h => h.Version >= from))
            {
                await _journal.RecordDrillAsync(drill, entry, cancellationToken);
                _logFrom = entry.Version + 1;
            }
        }

        await _journal.RecordDrillAsync(drill, null, cancellationToken);
        _logFrom = null;
        await GrainFactory.PublishLiveAsync(LiveTopic.Operations, new DrillViewChanged(drill));
    }

    /// <summary>The drill with its overdue flag as of now: scheduled, and its time has passed without a record.</summary>
    private DrillView? View() => S.Drill is { } d ? d with { Overdue = d.State == DrillState.Scheduled && d.ScheduledAt < _time.GetUtcNow() } : null;

    private DrillResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private DrillResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Drill?.State, Table.AllowedIn(S.Drill?.State), View());

    [LoggerMessage(Level = LogLevel.Information, Message = "Drill {DrillId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string drillId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drill {DrillId}: could not update the read table, event log or boards yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string drillId, string reason);
}
