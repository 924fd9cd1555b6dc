using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaCenter.Grains.People;

/// <summary>Stored state of an appraisal. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.AppraisalGrainState")]
public sealed class AppraisalGrainState
{
    /// <summary>The appraisal; null before it is opened.</summary>
    [Id(0)] public Appraisal? Appraisal { get; set; }

    /// <summary>The scheme copied when opened: a later change of the organisation's schemes does not move it.</summary>
    [Id(1)] public AppraisalScheme? Scheme { get; set; }

    /// <summary>History entries not yet in the read table and the event log.</summary>
    [Id(2)] public List<AppraisalHistoryEntry> Unjournaled { get; set; } = [];

    [Id(3)] public List<AppliedOperation<AppraisalResult>> Applied { get; set; } = [];
}

/// <summary>
/// One person's appraisal of one period (考核, F8.3, §8.1.6), key <c>{personId}:{period}</c>. Commands run through the
/// command pipeline against <see cref="AppraisalWorkflow.Transitions"/>. Opening copies the scheme of the person's post and
/// computes the figures from the event log for the ended period (so they can be computed again and come out the same);
/// the appraiser's scores give the total and the grade by the scheme's bands; the person acknowledges or disputes.
/// </summary>
internal sealed partial class AppraisalGrain : Grain, IAppraisalGrain
{
    private const int MaxComment = 1000;
    private const int MaxNote = 200;
    private const int MaxGoals = 20;
    private const int MaxIncentives = 50;

    private static readonly WorkflowTable<AppraisalState, AppraisalCommandType, StaffRole> Table = new(
        AppraisalWorkflow.Transitions.Select(t => new Transition<AppraisalState, AppraisalCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<AppraisalGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IAppraisalJournal _journal;
    private readonly IOptions<StaffOptions> _options;
    private readonly ILogger<AppraisalGrain> _logger;
    private readonly CommandPipeline<AppraisalGrainState, AppraisalState, AppraisalCommandType, StaffRole, AppraisalResult> _pipeline;
    private TimeZoneInfo? _zone;

    public AppraisalGrain(
        [PersistentState("appraisal", StorageNames.Main)] IPersistentState<AppraisalGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IAppraisalJournal journal,
        IOptions<StaffOptions> options,
        Orleans.Serialization.DeepCopier<AppraisalGrainState> copier,
        ILogger<AppraisalGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _options = options;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<AppraisalGrainState, AppraisalState, AppraisalCommandType, StaffRole, AppraisalResult>
        {
            Table = Table,
            StageOf = s => s.Appraisal?.State,
            Operations = OperationMemory<AppraisalGrainState, AppraisalResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<AppraisalResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Answer(StaffGrain.Outcome(refusal), message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("appraisal.what.appraisal"))),
            RefusalAsStored = r => Answer(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Key, ex.Message),
        });
    }

    private AppraisalGrainState S => _state.State;

    private string Key => this.GetPrimaryKeyString();

    private TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(_options.Value.TimeZone);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A change acknowledged just before the last activation ended may not have reached the read table yet.
        if (S.Unjournaled.Count > 0)
        {
            await _pipeline.Announcer.RunAsync(cancellationToken);
        }
    }

    public Task<Appraisal?> GetAsync() => Task.FromResult(S.Appraisal);

    public Task<AppraisalResult> ExecuteAsync(AppraisalCommand command, StaffActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<AppraisalState, AppraisalCommandType, StaffRole, AppraisalResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,

            // The person's moves are theirs alone: the account linked to the record when the appraisal was opened.
            Vet = t => t.Roles == StaffRole.Appraisee && (S.Appraisal?.UserId is not { } user || user != actor.UserId)
                ? Msg.Of("appraisal.onlyThePerson")
                : null,
            Decide = t => DecideAsync(command, actor, t.To!.Value),
        });

    private async Task<AppraisalResult> DecideAsync(AppraisalCommand command, StaffActor actor, AppraisalState to)
    {
        var now = _time.GetUtcNow();
        var held = S.Appraisal;
        Appraisal next;
        switch (command)
        {
            case OpenAppraisal:
                {
                    if (AppraisalWorkflow.ParseKey(Key) is not var (personId, period))
                    {
                        return Invalid(Msg.Of("appraisal.keyInvalid"));
                    }

                    if (Today(now) < period.To)
                    {
                        return Invalid(Msg.Of("appraisal.periodNotEnded", ("period", period.Name), ("to", period.To)));
                    }

                    var person = await GrainFactory.GetGrain<IStaffGrain>(personId).GetAsync();
                    if (person is null)
                    {
                        return Answer(StaffOutcome.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.person"))));
                    }

                    var schemes = await GrainFactory.GetGrain<IAppraisalSchemeGrain>(person.Organisation).GetAsync();
                    if (schemes?.Schemes.FirstOrDefault(s => s.Post == person.Post) is not { } scheme)
                    {
                        return Invalid(Msg.Of("appraisal.noScheme", ("post", person.Post)));
                    }

                    S.Scheme = scheme;
                    var figures = await FiguresAsync(scheme, personId, person.UserId, period);
                    next = new Appraisal(Key, person.Organisation, personId, person.Name, person.UserId, person.Post, period, figures,
                        [.. scheme.ManualItems.Select(m => new AppraisalManualScore(m.Name, m.Weight, null, 0))], scheme.Bands, null, null, null, null, [], [],
                        to, 0, now, now, actor.Name);
                    break;
                }

            case RecomputeAppraisal:
                next = Totalled(held! with { Figures = await FiguresAsync(S.Scheme!, held.PersonId, held.UserId, held.Period), ComputedAt = now });
                break;

            case ScoreAppraisal c:
                {
                    var scores = c.Scores ?? [];
                    var items = S.Scheme!.ManualItems;
                    if (scores.Any(s => s.Score is not (>= 0 and <= 100) || items.All(m => m.Name != s.Name?.Trim()))
                        || items.Any(m => scores.All(s => s.Name?.Trim() != m.Name)) || (c.Comment?.Trim().Length ?? 0) > MaxComment)
                    {
                        return Invalid(Msg.Of("appraisal.scoresInvalid", ("items", Msg.List(items.Select(m => m.Name))), ("max", MaxComment)));
                    }

                    next = Totalled(held! with
                    {
                        ManualScores = [.. items.Select(m =>
                        {
                            var score = scores.Last(s => s.Name?.Trim() == m.Name).Score;
                            return new AppraisalManualScore(m.Name, m.Weight, score, AppraisalWorkflow.Points(m, score));
                        })],
                        Comment = string.IsNullOrWhiteSpace(c.Comment) ? held.Comment : c.Comment.Trim(),
                        Appraiser = actor.Name,
                    });
                    break;
                }

            case AcknowledgeAppraisal:
                next = held!;
                break;

            case DisputeAppraisal c:
                if (string.IsNullOrWhiteSpace(c.Reason) || c.Reason.Trim().Length > MaxComment)
                {
                    return Invalid(Msg.Of("appraisal.reasonRequired", ("max", MaxComment)));
                }

                next = held! with { DisputeReason = c.Reason.Trim() };
                break;

            case CloseAppraisal:
                next = held!;
                break;

            case RecordIncentive c:
                if (c.Kind is not { } kind || !Enum.IsDefined(kind) || string.IsNullOrWhiteSpace(c.Note) || c.Note.Trim().Length > MaxNote
                    || kind == IncentiveKind.Bonus && c.Amount is not > 0 || c.Amount is < 0 || held!.Incentives.Count >= MaxIncentives)
                {
                    return Invalid(Msg.Of("appraisal.incentiveInvalid", ("max", MaxNote)));
                }

                next = held with { Incentives = [.. held.Incentives, new AppraisalIncentive(kind, c.Amount, c.Note.Trim(), now, actor.Name)] };
                break;

            case SetDevelopmentGoals c:
                {
                    var goals = c.Goals ?? [];
                    if (goals.Count > MaxGoals || goals.Any(g => string.IsNullOrWhiteSpace(g.Title) || g.Title.Trim().Length > MaxNote))
                    {
                        return Invalid(Msg.Of("appraisal.goalsInvalid", ("max", MaxGoals), ("length", MaxNote)));
                    }

                    next = held! with { Goals = [.. goals.Select(g => g with { Title = g.Title.Trim() })] };
                    break;
                }

            default:
                return Invalid(Msg.Of("people.unknownCommand"));
        }

        next = next with { State = to, Version = (held?.Version ?? 0) + 1, UpdatedAt = now };
        S.Appraisal = next;
        S.Unjournaled.Add(new AppraisalHistoryEntry(next.Version, command.Type, held?.State, to, actor.UserId, actor.Name, now));
        LogMoved(_logger, Key, command.Type.ToString(), held?.State.ToString() ?? "(new)", to.ToString());
        return new AppraisalResult(StaffOutcome.Applied, null, to.ToString(), Allowed(Table.AllowedIn(to)), next);
    }

    /// <summary>The figures of the scheme's indicators over the period, in the scheme's order, with their points.</summary>
    private async Task<List<AppraisalFigure>> FiguresAsync(AppraisalScheme scheme, string personId, Guid? userId, AppraisalPeriod period)
    {
        var measured = await _journal.MeasureAsync(personId, userId, period.From, period.To, Start(period.From), Start(period.To));
        return [.. scheme.Indicators.Select(i =>
        {
            var value = measured.GetValueOrDefault(i.Measure);
            return new AppraisalFigure(i.Measure, value, i.Target, i.Weight, i.LowerIsBetter, AppraisalWorkflow.Points(i, value));
        })];
    }

    /// <summary>The total and grade, once every manual item is scored; until then none.</summary>
    private static Appraisal Totalled(Appraisal a)
    {
        if (a.ManualScores.Any(m => m.Score is null))
        {
            return a with { Total = null, Grade = null };
        }

        var total = Math.Round(a.Figures.Sum(f => f.Points) + a.ManualScores.Sum(m => m.Points), 2);
        return a with { Total = total, Grade = AppraisalWorkflow.GradeOf(total, a.Bands) };
    }

    private DateTimeOffset Start(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Appraisal is not { } appraisal)
        {
            return;
        }

        var pending = S.Unjournaled.ToList();
        foreach (var entry in pending)
        {
            await _journal.RecordAppraisalAsync(appraisal, entry, cancellationToken);
        }

        if (pending.Count > 0)
        {
            S.Unjournaled.RemoveAll(pending.Contains);
            await _state.WriteStateAsync(cancellationToken);
        }

        await GrainFactory.PublishLiveAsync(LiveTopic.People,
            new AppraisalViewChanged(appraisal.Id, appraisal.Organisation, appraisal.PersonId, appraisal.UserId, appraisal.State, appraisal.Version));
    }

    private AppraisalResult Invalid(string message) => Answer(StaffOutcome.Invalid, message);

    private AppraisalResult Answer(StaffOutcome outcome, string message) =>
        new(outcome, message, S.Appraisal?.State.ToString(), Allowed(Table.AllowedIn(S.Appraisal?.State)), S.Appraisal);

    private static List<string> Allowed<T>(IEnumerable<T> moves) => [.. moves.Select(m => m!.ToString()!)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Appraisal {Key}: {Command} {From} -> {To}")]
    private static partial void LogMoved(ILogger logger, string key, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appraisal {Key}: could not update the read table or the page yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string key, string reason);
}
