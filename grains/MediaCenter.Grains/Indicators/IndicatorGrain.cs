using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Indicators;

/// <summary>Stored state of an indicator definition. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.IndicatorGrainState")]
public sealed class IndicatorGrainState
{
    [Id(0)] public IndicatorView? Indicator { get; set; }
    [Id(1)] public List<AppliedOperation<IndicatorResult>> Applied { get; set; } = [];

    /// <summary>Every move, oldest first (definitions written before it was kept start with their next move).</summary>
    [Id(2)] public List<IndicatorHistoryEntry> History { get; set; } = [];
}

/// <summary>One indicator definition; commands run through the command pipeline against <see cref="IndicatorWorkflow"/>.</summary>
internal sealed partial class IndicatorGrain : Grain, IIndicatorGrain
{
    private const int MaxName = 200;
    private const int MaxUnit = 20;
    private const int MaxParties = 500;
    private const int MaxReason = 2000;

    private readonly IPersistentState<IndicatorGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IIndicatorJournal _journal;
    private readonly ILogger<IndicatorGrain> _logger;
    private readonly CommandPipeline<IndicatorGrainState, IndicatorState, IndicatorCommandType, OpsRole, IndicatorResult> _pipeline;
    private readonly EventBacklog _events = new();

    public IndicatorGrain(
        [PersistentState("indicator", StorageNames.Main)] IPersistentState<IndicatorGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IIndicatorJournal journal,
        Orleans.Serialization.DeepCopier<IndicatorGrainState> copier,
        ILogger<IndicatorGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<IndicatorGrainState, IndicatorState, IndicatorCommandType, OpsRole, IndicatorResult>
        {
            Table = IndicatorWorkflow.Table,
            StageOf = s => s.Indicator?.State,
            Operations = OperationMemory<IndicatorGrainState, IndicatorResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<IndicatorResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.indicator"))),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            Reread = OweHistory,
        });
    }

    private IndicatorGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Indicator is null)
        {
            return Task.CompletedTask;
        }

        OweHistory();
        return _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<IndicatorView?> GetAsync() => Task.FromResult(S.Indicator);

    public Task<IndicatorResult> ExecuteAsync(IndicatorCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<IndicatorState, IndicatorCommandType, OpsRole, IndicatorResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = async transition => await UnknownApplicationAsync(command) is { } unknown
                ? Invalid(Msg.Of("indicator.applicationUnknown", ("application", unknown)))
                : Decide(command, actor, transition.To!.Value),
        });

    private IndicatorResult Decide(IndicatorCommand command, OpsActor actor, IndicatorState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Indicator?.State;
        switch (command)
        {
            case DefineIndicator c:
                {
                    if (Check(c.Name, c.Expression, c.Comparison, c.Target, c.Parties, c.Applications, c.Unit) is { } refusal)
                    {
                        return refusal;
                    }

                    S.Indicator = new IndicatorView(Id, c.Name!.Trim(), c.Expression!.Trim(), c.Comparison!.Value, c.Target!.Value, Parties(c.Parties),
                        OpsGrainSupport.Optional(c.Unit) ?? "", to, 0, actor.Name, now, null)
                    { Applications = Parties(c.Applications) };
                    break;
                }

            case EditIndicator c:
                {
                    var known = S.Indicator!;
                    if (Check(c.Name ?? known.Name, c.Expression ?? known.Expression, c.Comparison ?? known.Comparison, c.Target ?? known.Target,
                            c.Parties ?? known.Parties, c.Applications ?? known.Applications, c.Unit ?? known.Unit) is { } refusal)
                    {
                        return refusal;
                    }

                    S.Indicator = known with
                    {
                        Name = (c.Name ?? known.Name).Trim(),
                        Expression = (c.Expression ?? known.Expression).Trim(),
                        Comparison = c.Comparison ?? known.Comparison,
                        Target = c.Target ?? known.Target,
                        Parties = c.Parties is null ? known.Parties : Parties(c.Parties),
                        Applications = c.Applications is null ? known.Applications : Parties(c.Applications),
                        Unit = c.Unit is null ? known.Unit : OpsGrainSupport.Optional(c.Unit) ?? "",
                        State = to,
                    };
                    break;
                }

            case ActivateIndicator:
                S.Indicator = S.Indicator! with { State = to };
                break;

            case RetireIndicator c:
                {
                    var reason = OpsGrainSupport.Required(c.Reason, MaxReason);
                    if (reason is null)
                    {
                        return Invalid(Msg.Of("indicator.retireReasonRequired", ("max", MaxReason)));
                    }

                    S.Indicator = S.Indicator! with { State = to, RetireReason = reason };
                    break;
                }

            default:
                return Invalid(Msg.Of("indicator.unknownCommand"));
        }

        S.Indicator = S.Indicator with { Version = S.Indicator.Version + 1, UpdatedAt = now };
        S.History.Add(new IndicatorHistoryEntry(S.Indicator.Version, now, actor.UserId == Guid.Empty ? null : actor.UserId, actor.Name, command.Type, from,
            S.Indicator.State, (command as RetireIndicator)?.Reason?.Trim(), S.Indicator));
        _events.Owe(S.Indicator.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Indicator.State.ToString());
        return new IndicatorResult(OpsOutcome.Applied, null, S.Indicator.State, IndicatorWorkflow.Table.AllowedIn(S.Indicator.State), S.Indicator);
    }

    private IndicatorResult? Check(string? name, string? expression, IndicatorComparison? comparison, double? target, List<string>? parties,
        List<string>? applications, string? unit)
    {
        if (OpsGrainSupport.Required(name, MaxName) is null)
        {
            return Invalid(Msg.Of("indicator.nameRequired", ("max", MaxName)));
        }

        if (IndicatorExpression.TryParse(expression, out var error) is null)
        {
            return Invalid(error ?? Msg.Of("indicator.notAnExpression"));
        }

        if (comparison is not { } c || !Enum.IsDefined(c))
        {
            return Invalid(Msg.Of("indicator.comparisonRequired"));
        }

        if (target is not { } t || !double.IsFinite(t))
        {
            return Invalid(Msg.Of("indicator.targetRequired"));
        }

        if (parties is { Count: > MaxParties } || parties?.Any(string.IsNullOrWhiteSpace) == true)
        {
            return Invalid(Msg.Of("indicator.partiesInvalid", ("max", MaxParties)));
        }

        if (applications is { Count: > MaxParties } || applications?.Any(a => !IsApplicationId(a)) == true)
        {
            return Invalid(Msg.Of("indicator.applicationsInvalid", ("max", MaxParties)));
        }

        if (applications is { Count: > 0 } && parties is { Count: > 0 })
        {
            return Invalid(Msg.Of("indicator.partiesOrApplications"));
        }

        return OpsGrainSupport.FitsOptional(unit, MaxUnit) ? null : Invalid(Msg.Of("indicator.unitTooLong", ("max", MaxUnit))
);
    }

    /// <summary>The first application a definition names that is not registered (a typo would otherwise give empty figures every month).</summary>
    private async Task<string?> UnknownApplicationAsync(IndicatorCommand command)
    {
        var named = command switch
        {
            DefineIndicator c => c.Applications,
            EditIndicator c => c.Applications,
            _ => null,
        };
        foreach (var id in named?.Where(IsApplicationId).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).Take(MaxParties) ?? [])
        {
            if (await GrainFactory.GetGrain<IApplicationGrain>(id).GetAsync() is null)
            {
                return id;
            }
        }

        return null;
    }

    private static bool IsApplicationId(string? id) =>
        ApplicationIds.Split(id?.Trim() ?? "") is { } split && ApplicationIds.IsValidCode(split.Code) && ApplicationIds.IsValidCode(split.PartyId);

    private static List<string> Parties(List<string>? parties) =>
        parties is null ? [] : [.. parties.Select(p => p.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Indicator is not { } indicator)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordIndicatorAsync(indicator, entry, cancellationToken));
        await _journal.RecordIndicatorAsync(indicator, null, cancellationToken);
    }

    /// <summary>After activation or a re-read the log may lack any of the history.</summary>
    private void OweHistory()
    {
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[0].Version);
        }
    }

    private IndicatorResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private IndicatorResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Indicator?.State, IndicatorWorkflow.Table.AllowedIn(S.Indicator?.State), S.Indicator);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indicator {IndicatorId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string indicatorId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicator {IndicatorId}: could not update the read table yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string indicatorId, string reason);
}
