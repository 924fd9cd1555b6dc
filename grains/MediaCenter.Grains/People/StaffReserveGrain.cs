using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.People;

/// <summary>Stored state of a reserve plan. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.StaffReserveState")]
public sealed class StaffReserveState
{
    /// <summary>The plan in force; null until set.</summary>
    [Id(0)] public ReservePlan? Plan { get; set; }

    [Id(1)] public List<AppliedOperation<ReserveResult>> Applied { get; set; } = [];
}

/// <summary>
/// An organisation's staff reserve plan (人员储备, §8.1.4.2). Commands run through the command pipeline against
/// <see cref="ReserveWorkflow"/>; after the write the organisation's roster hears the plan (version-guarded, so a retry
/// or the announcement after activation is harmless) and shows it against the headcount it counts.
/// </summary>
internal sealed partial class StaffReserveGrain : Grain, IStaffReserveGrain
{
    private const int MaxRequired = 10_000;
    private const int MaxHires = 20;
    private const int MaxNote = 200;

    private static readonly WorkflowTable<ReserveState, ReserveCommandType, StaffRole> Table = new(
        ReserveWorkflow.Transitions.Select(t => new Transition<ReserveState, ReserveCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<StaffReserveState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger<StaffReserveGrain> _logger;
    private readonly CommandPipeline<StaffReserveState, ReserveState, ReserveCommandType, StaffRole, ReserveResult> _pipeline;

    public StaffReserveGrain(
        [PersistentState("reserve", StorageNames.Main)] IPersistentState<StaffReserveState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        Orleans.Serialization.DeepCopier<StaffReserveState> copier,
        ILogger<StaffReserveGrain> logger)
    {
        _state = state;
        _time = time;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<StaffReserveState, ReserveState, ReserveCommandType, StaffRole, ReserveResult>
        {
            Table = Table,
            StageOf = s => s.Plan is null ? null : ReserveState.Set,
            Operations = OperationMemory<StaffReserveState, ReserveResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<ReserveResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => new ReserveResult(StaffGrain.Outcome(refusal), message, S.Plan),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("people.what.reservePlan"))),
            RefusalAsStored = r => new ReserveResult(r.Outcome, r.Message, S.Plan),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Key, ex.Message),
        });
    }

    private StaffReserveState S => _state.State;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A write acknowledged just before the last activation ended may not have reached the roster.
        if (S.Plan is not null)
        {
            await _pipeline.Announcer.RunAsync(cancellationToken);
        }
    }

    public Task<ReservePlan?> GetAsync() => Task.FromResult(S.Plan);

    public Task<ReserveResult> SetAsync(SetReservePlan command, StaffActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<ReserveState, ReserveCommandType, StaffRole, ReserveResult>
        {
            OperationId = operationId,
            Command = ReserveCommandType.SetPlan,
            Roles = () => actor.Roles,
            Decide = _ => Task.FromResult(Decide(command, actor)),
        });

    private ReserveResult Decide(SetReservePlan command, StaffActor actor)
    {
        if (Organisation.Parse(Key) is null)
        {
            return Invalid(Msg.Of("people.organisationRequired"));
        }

        var posts = command.Posts ?? [];
        if (posts.Select(p => p.Post).Distinct().Count() != posts.Count || posts.Any(p => !Enum.IsDefined(p.Post)))
        {
            return Invalid(Msg.Of("people.reservePostsInvalid"));
        }

        foreach (var post in posts)
        {
            if (post.Required is < 0 or > MaxRequired)
            {
                return Invalid(Msg.Of("people.reserveRequiredRange", ("max", MaxRequired)));
            }

            var hires = post.Planned ?? [];
            if (hires.Count > MaxHires || hires.Any(h => h.Count is < 1 or > MaxRequired || h.By.Year < 2000 || (h.Note?.Trim().Length ?? 0) > MaxNote))
            {
                return Invalid(Msg.Of("people.reserveHiresInvalid", ("max", MaxHires), ("note", MaxNote)));
            }
        }

        var now = _time.GetUtcNow();
        S.Plan = new ReservePlan(Key,
            [.. posts.OrderBy(p => p.Post).Select(p => new ReservePost(p.Post, p.Required,
                [.. (p.Planned ?? []).OrderBy(h => h.By).Select(h => new PlannedHire(h.Count, h.By, string.IsNullOrWhiteSpace(h.Note) ? null : h.Note.Trim()))]))],
            (S.Plan?.Version ?? 0) + 1, now, actor.Name);
        LogSet(_logger, Key, S.Plan.Version, posts.Count);
        return new ReserveResult(StaffOutcome.Applied, null, S.Plan);
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Plan is { } plan)
        {
            await GrainFactory.GetGrain<IStaffRosterGrain>(Key).HearPlanAsync(plan);
        }
    }

    private ReserveResult Invalid(string message) => new(StaffOutcome.Invalid, message, S.Plan);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reserve plan {Organisation}: version {Version}, {Posts} posts")]
    private static partial void LogSet(ILogger logger, string organisation, long version, int posts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reserve plan {Organisation}: the roster has not heard the plan yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string organisation, string reason);
}
