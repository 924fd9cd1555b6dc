using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Operations;

/// <summary>Stored state of a plan. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.PlanGrainState")]
public sealed class PlanGrainState
{
    [Id(0)] public string? PartyId { get; set; }
    [Id(1)] public string Title { get; set; } = "";
    [Id(2)] public string Scenario { get; set; } = "";
    [Id(3)] public Guid CreatedById { get; set; }
    [Id(4)] public string CreatedBy { get; set; } = "";
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(7)] public long Revision { get; set; }
    [Id(8)] public int? EffectiveVersion { get; set; }
    [Id(10)] public List<PlanVersionDocument> Versions { get; set; } = [];
    [Id(11)] public List<PlanHistoryEntry> History { get; set; } = [];
    [Id(12)] public List<AppliedOperation<PlanResult>> Applied { get; set; } = [];
}

/// <summary>
/// One emergency plan. Commands run through the command pipeline against <see cref="PlanWorkflow"/> (state, then
/// role), are decided here, written, and only then acknowledged; the read tables and the event log follow through
/// <see cref="IOperationsJournal"/> before the answer (retried on a timer when the database is away), then the boards
/// hear of it live. A plan written before the grains owned plans starts from its rows.
/// </summary>
internal sealed partial class PlanGrain : Grain, IPlanGrain
{
    private const int MaxTitle = 200;
    private const int MaxReason = 4000;
    private const int MaxHistory = 500;

    // Entries replayed to the event log on activation: any the previous activation wrote but could not log.
    private const int ReplayedOnActivation = 20;

    private static readonly WorkflowTable<PlanState, PlanCommandType, OpsRole> Table = new(
        PlanWorkflow.Transitions.Select(t => new Transition<PlanState, PlanCommandType, OpsRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<PlanGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IOperationsJournal _journal;
    private readonly ILogger<PlanGrain> _logger;
    private readonly CommandPipeline<PlanGrainState, PlanState, PlanCommandType, OpsRole, PlanResult> _pipeline;
    private long? _logFrom;

    public PlanGrain(
        [PersistentState("plan", StorageNames.Main)] IPersistentState<PlanGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOperationsJournal journal,
        Orleans.Serialization.DeepCopier<PlanGrainState> copier,
        ILogger<PlanGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<PlanGrainState, PlanState, PlanCommandType, OpsRole, PlanResult>
        {
            Table = Table,
            StageOf = s => s.PartyId is null ? null : Latest(s).Info.State,
            Operations = OperationMemory<PlanGrainState, PlanResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<PlanResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
            NotFoundMessage = Msg.Of("ops.plan.notFound"),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString(), r.Errors),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            Reread = () => _logFrom = S.History.Count > 0 ? S.History[0].Revision : null,
        });
    }

    private PlanGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.PartyId is null)
        {
            // Plans written before the grains owned them live only in the read tables: start from there.
            if (await _journal.LoadPlanAsync(Id, cancellationToken) is { } record)
            {
                Adopt(record);
            }

            return;
        }

        // A write may have been acknowledged while the read tables or the event log were unreachable.
        _logFrom = S.History.Count > 0 ? S.History[Math.Max(0, S.History.Count - ReplayedOnActivation)].Revision : null;
        await _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<PlanDetail?> GetAsync() => Task.FromResult(S.PartyId is null ? null : Detail());

    public Task<PlanVersionDocument?> GetVersionAsync(int version) =>
        Task.FromResult(S.PartyId is null ? null : S.Versions.FirstOrDefault(v => v.Info.Version == version));

    public Task<EffectivePlan?> GetEffectiveAsync()
    {
        if (S.PartyId is null || S.EffectiveVersion is not { } effective || S.Versions.FirstOrDefault(v => v.Info.Version == effective) is not { } document)
        {
            return Task.FromResult<EffectivePlan?>(null);
        }

        var info = document.Info;
        return Task.FromResult<EffectivePlan?>(new EffectivePlan(Id, S.PartyId, info.Version, info.Title, info.Scenario, info.ApprovedBy ?? "",
            info.ApprovedAt ?? default, document.Content));
    }

    public Task<PlanResult> ExecuteAsync(PlanCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<PlanState, PlanCommandType, OpsRole, PlanResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition => Task.FromResult(Decide(command, actor, transition.To!.Value)),
        });

    private PlanResult Decide(PlanCommand command, OpsActor actor, PlanState to)
    {
        var now = _time.GetUtcNow();
        PlanState? from = S.PartyId is null ? null : Latest(S).Info.State;
        string? comment = null;
        switch (command)
        {
            case CreatePlan c:
                {
                    var title = OpsGrainSupport.Required(c.Title, MaxTitle);
                    var scenario = OpsGrainSupport.Required(c.Scenario, MaxTitle);
                    if (string.IsNullOrWhiteSpace(c.PartyId) || title is null || scenario is null)
                    {
                        return Invalid(Msg.Of("ops.plan.createRequired", ("max", MaxTitle)));
                    }

                    var (content, errors) = PlanRules.Normalize(c.Content);
                    if (content is null)
                    {
                        return Invalid(Msg.Of("ops.plan.contentInvalid", ("errors", Msg.List(errors))), errors);
                    }

                    S.PartyId = c.PartyId;
                    S.Title = title;
                    S.Scenario = scenario;
                    S.CreatedById = actor.UserId;
                    S.CreatedBy = actor.Name;
                    S.CreatedAt = now;
                    S.Versions.Add(NewVersion(1, title, scenario, content, actor, now));
                    break;
                }

            case SavePlanDraft c:
                {
                    if (c.Revision is not { } revision)
                    {
                        return Invalid(Msg.Of("ops.plan.revisionRequired"));
                    }

                    if (revision != S.Revision)
                    {
                        return Refuse(OpsOutcome.VersionConflict,
                            Msg.Of("ops.plan.revisionConflict", ("current", S.Revision), ("edited", revision)));
                    }

                    var title = c.Title is null ? Latest(S).Info.Title : OpsGrainSupport.Required(c.Title, MaxTitle);
                    var scenario = c.Scenario is null ? Latest(S).Info.Scenario : OpsGrainSupport.Required(c.Scenario, MaxTitle);
                    if (title is null || scenario is null)
                    {
                        return Invalid(Msg.Of("ops.plan.titleScenarioRequired", ("max", MaxTitle)));
                    }

                    // Content left out stays as it is; an edit sends the whole content.
                    var (content, errors) = c.Content is null ? (Latest(S).Content, []) : PlanRules.Normalize(c.Content);
                    if (content is null)
                    {
                        return Invalid(Msg.Of("ops.plan.contentInvalid", ("errors", Msg.List(errors))), errors);
                    }

                    var latest = Latest(S);
                    if (latest.Info.State == PlanState.Draft)
                    {
                        Replace(latest with
                        {
                            Info = latest.Info with { Title = title, Scenario = scenario, EditedBy = actor.Name, EditedAt = now },
                            Content = content,
                        });
                    }
                    else
                    {
                        // From an approved plan: a new version; the approved one stays effective until this one is approved.
                        S.Versions.Add(NewVersion(latest.Info.Version + 1, title, scenario, content, actor, now));
                    }

                    S.Title = title;
                    S.Scenario = scenario;
                    break;
                }

            case SubmitPlan:
                {
                    var missing = PlanRules.Missing(Latest(S).Content);
                    if (missing.Count > 0)
                    {
                        return Invalid(Msg.Of("ops.plan.incomplete", ("missing", Msg.List(missing))), missing);
                    }

                    var latest = Latest(S);
                    Replace(latest with { Info = latest.Info with { State = to, SubmittedBy = actor.Name, SubmittedAt = now } });
                    break;
                }

            case ApprovePlan c:
                {
                    if (WrongVersion(c.Version) is { } conflict)
                    {
                        return conflict;
                    }

                    if (S.EffectiveVersion is { } previous && S.Versions.FirstOrDefault(v => v.Info.Version == previous) is { } old)
                    {
                        Replace(old with { Info = old.Info with { State = PlanState.Superseded, SupersededAt = now } });
                    }

                    var latest = Latest(S);
                    Replace(latest with { Info = latest.Info with { State = to, ApprovedBy = actor.Name, ApprovedById = actor.UserId, ApprovedAt = now } });
                    S.EffectiveVersion = latest.Info.Version;
                    break;
                }

            case ReturnPlan c:
                {
                    if (WrongVersion(c.Version) is { } conflict)
                    {
                        return conflict;
                    }

                    var reason = OpsGrainSupport.Required(c.Reason, MaxReason);
                    if (reason is null)
                    {
                        return Invalid(Msg.Of("ops.reasonRequiredMax", ("max", MaxReason)));
                    }

                    var latest = Latest(S);
                    Replace(latest with { Info = latest.Info with { State = to, ReturnedBy = actor.Name, ReturnedAt = now, ReturnReason = reason } });
                    comment = reason;
                    break;
                }

            default:
                return Invalid(Msg.Of("ops.unknownCommand"));
        }

        S.Revision++;
        S.UpdatedAt = now;
        var entry = new PlanHistoryEntry(S.Revision, now, actor.Name, command.Type, Latest(S).Info.Version, from, Latest(S).Info.State, comment);
        S.History.Add(entry);
        if (S.History.Count > MaxHistory)
        {
            S.History.RemoveAt(0);
        }

        _logFrom ??= entry.Revision;
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", Latest(S).Info.State.ToString());
        return new PlanResult(OpsOutcome.Applied, null, Latest(S).Info.State, Table.AllowedIn(Latest(S).Info.State), Summary());
    }

    private PlanResult? WrongVersion(int? version) =>
        version is { } v && v != Latest(S).Info.Version
            ? Refuse(OpsOutcome.VersionConflict, Msg.Of("ops.plan.versionWaiting", ("waiting", Latest(S).Info.Version), ("asked", v)))
            : null;

    /// <summary>Brings the read tables and the event log up to the state, then tells the boards; throws while anything is behind.</summary>
    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.PartyId is null)
        {
            return;
        }

        var record = new PlanRecord(Summary(), S.CreatedById, S.Versions.ToList());
        if (_logFrom is { } from)
        {
            foreach (var entry in S.History.Where(h => h.Revision >= from))
            {
                await _journal.RecordPlanAsync(record, entry, cancellationToken);
                _logFrom = entry.Revision + 1;
            }
        }

        await _journal.RecordPlanAsync(record, null, cancellationToken);
        _logFrom = null;
        await GrainFactory.PublishLiveAsync(LiveTopic.Operations, new PlanSummaryChanged(record.Summary));
    }

    private void Adopt(PlanRecord record)
    {
        var s = record.Summary;
        S.PartyId = s.PartyId;
        S.Title = s.Title;
        S.Scenario = s.Scenario;
        S.CreatedById = record.CreatedById;
        S.CreatedBy = s.CreatedBy;
        S.CreatedAt = s.CreatedAt;
        S.UpdatedAt = s.UpdatedAt;
        S.Revision = s.Revision;
        S.EffectiveVersion = s.EffectiveVersion;
        S.Versions = record.Versions.OrderBy(v => v.Info.Version).ToList();
    }

    private static PlanVersionDocument Latest(PlanGrainState s) => s.Versions[^1];

    private void Replace(PlanVersionDocument document) =>
        S.Versions[S.Versions.FindIndex(v => v.Info.Version == document.Info.Version)] = document;

    private PlanVersionDocument NewVersion(int version, string title, string scenario, PlanContent content, OpsActor actor, DateTimeOffset now) =>
        new(Id, new PlanVersionInfo(version, PlanState.Draft, title, scenario, actor.Name, now, actor.Name, now, null, null, null, null, null, null, null, null),
            content);

    private PlanSummary Summary()
    {
        var latest = Latest(S);
        return new PlanSummary(Id, S.PartyId!, S.Title, S.Scenario, latest.Info.Version, latest.Info.State, S.EffectiveVersion, S.Revision, S.CreatedBy,
            S.CreatedAt, S.UpdatedAt, S.Versions.FirstOrDefault(v => v.Info.Version == S.EffectiveVersion)?.Content.DrillEveryDays);
    }

    private PlanDetail Detail() =>
        new(Summary(), S.Versions.Select(v => v.Info).OrderByDescending(v => v.Version).ToList(), Latest(S).Content, Table.AllowedIn(Latest(S).Info.State));

    private PlanResult Invalid(string message, IReadOnlyList<string>? errors = null) => Refuse(OpsOutcome.Invalid, message, errors);

    private PlanResult Refuse(OpsOutcome outcome, string message, IReadOnlyList<string>? errors = null)
    {
        PlanState? state = S.PartyId is null ? null : Latest(S).Info.State;
        return new PlanResult(outcome, message, state, Table.AllowedIn(state), S.PartyId is null ? null : Summary(),
            errors is null ? null : errors.ToList());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plan {PlanId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string planId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plan {PlanId}: could not update the read tables, event log or boards yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string planId, string reason);
}
