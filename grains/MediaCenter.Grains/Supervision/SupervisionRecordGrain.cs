using System.Globalization;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Supervision;

/// <summary>Stored state of a supervision record. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.SupervisionRecordState")]
public sealed class SupervisionRecordState
{
    [Id(0)] public SupervisionRecordView? Record { get; set; }
    [Id(1)] public List<SupervisionHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<SupervisionResult>> Applied { get; set; } = [];
}

/// <summary>
/// One supervision activity (F11.2, §11.2.2). Commands run through the command pipeline against
/// <see cref="SupervisionWorkflow"/>; a finding opens a rectification of the party on the general rectification grain, with
/// this record as its source, so the party answers it like any other and the record shows how far it got. The read table
/// and the event log follow through <see cref="ISupervisionJournal"/>.
/// </summary>
internal sealed partial class SupervisionRecordGrain : Grain, ISupervisionRecordGrain
{
    private const int MaxTitle = 200;
    private const int MaxText = 4000;
    private const int MaxShort = 100;
    private const int MaxFindings = 50;

    private readonly IPersistentState<SupervisionRecordState> _state;
    private readonly TimeProvider _time;
    private readonly ISupervisionJournal _journal;
    private readonly ILogger<SupervisionRecordGrain> _logger;
    private readonly CommandPipeline<SupervisionRecordState, SupervisionState, SupervisionCommandType, OpsRole, SupervisionResult> _pipeline;
    private readonly EventBacklog _events = new();

    public SupervisionRecordGrain(
        [PersistentState("supervision", StorageNames.Main)] IPersistentState<SupervisionRecordState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        ISupervisionJournal journal,
        Orleans.Serialization.DeepCopier<SupervisionRecordState> copier,
        ILogger<SupervisionRecordGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state,
            new WorkflowSpec<SupervisionRecordState, SupervisionState, SupervisionCommandType, OpsRole, SupervisionResult>
            {
                Table = SupervisionWorkflow.Table,
                StageOf = s => s.Record?.State,
                Operations = OperationMemory<SupervisionRecordState, SupervisionResult>.Over(s => s.Applied, a => a.OperationId,
                    a => a.Result with { Replay = true }, (id, result) => new AppliedOperation<SupervisionResult>(id, result)),
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("supervision.whatRecord"))),
                RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
                Announce = AnnounceAsync,
                AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
                Reread = OweHistory,
            });
    }

    private SupervisionRecordState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Record is null)
        {
            return Task.CompletedTask;
        }

        // A write acknowledged just before the last activation ended may not have reached the read table or the log.
        OweHistory();
        return _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<SupervisionRecordView?> GetAsync() => Task.FromResult(S.Record);

    public Task<List<SupervisionHistoryEntry>> GetHistoryAsync() => Task.FromResult(S.History.ToList());

    public Task<SupervisionResult> ExecuteAsync(SupervisionCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<SupervisionState, SupervisionCommandType, OpsRole, SupervisionResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition => DecideAsync(command, actor, transition.To!.Value),
        });

    private async Task<SupervisionResult> DecideAsync(SupervisionCommand command, OpsActor actor, SupervisionState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Record?.State;
        string? comment = null;
        switch (command)
        {
            case PlanSupervision c:
                {
                    if (c.Kind is not { } kind || !Enum.IsDefined(kind) || OpsGrainSupport.Required(c.Title, MaxTitle) is not { } title
                        || !OpsGrainSupport.FitsOptional(c.PartyId, MaxShort) || !OpsGrainSupport.FitsOptional(c.Channel, MaxShort)
                        || !OpsGrainSupport.FitsOptional(c.Detail, MaxText))
                    {
                        return Invalid(Msg.Of("supervision.planRequired", ("max", MaxTitle)));
                    }

                    S.Record = new SupervisionRecordView(Id, kind, to, title, OpsGrainSupport.Optional(c.PartyId), OpsGrainSupport.Optional(c.Channel),
                        c.PlannedFor, OpsGrainSupport.Optional(c.Detail), null, null, null, [], null, actor.Name, 0, now, now);
                    comment = kind.ToString();
                    break;
                }

            case RecordSupervision c:
                {
                    var findings = c.Findings?.Select(OpsGrainSupport.Optional).OfType<string>().ToList() ?? [];
                    if (OpsGrainSupport.Required(c.Summary, MaxText) is not { } summary || findings.Count > MaxFindings || findings.Any(f => f.Length > MaxText))
                    {
                        return Invalid(Msg.Of("supervision.summaryRequired", ("max", MaxText), ("findings", MaxFindings)));
                    }

                    var numbered = findings.Select((f, i) => new SupervisionFinding(i + 1, f, null, now, actor.Name)).ToList();
                    S.Record = S.Record! with { State = to, DoneOn = c.DoneOn ?? Today(now), DoneBy = actor.Name, Summary = summary, Findings = numbered };
                    comment = numbered.Count.ToString(CultureInfo.InvariantCulture);
                    break;
                }

            case AddSupervisionFinding c:
                {
                    var r = S.Record!;
                    if (OpsGrainSupport.Required(c.Text, MaxText) is not { } text || r.Findings.Count >= MaxFindings)
                    {
                        return Invalid(Msg.Of("supervision.findingRequired", ("max", MaxText), ("findings", MaxFindings)));
                    }

                    var number = r.Findings.Count + 1;
                    S.Record = r with { Findings = [.. r.Findings, new SupervisionFinding(number, text, null, now, actor.Name)] };
                    comment = "#" + number.ToString(CultureInfo.InvariantCulture);
                    break;
                }

            case OpenFindingRectification c:
                {
                    var r = S.Record!;
                    var index = r.Findings.FindIndex(f => f.Number == c.Number);
                    if (index < 0)
                    {
                        return Invalid(Msg.Of("supervision.noSuchFinding"));
                    }

                    if (r.PartyId is not { } party)
                    {
                        return Invalid(Msg.Of("supervision.rectificationNeedsParty"));
                    }

                    var finding = r.Findings[index];
                    if (finding.RectificationId is not null)
                    {
                        return Invalid(Msg.Of("supervision.findingHasRectification", ("id", finding.RectificationId)));
                    }

                    // The rectification's id and operation follow from the finding: a retry after a failed write reaches the same one.
                    var rectificationId = SupervisionWorkflow.RectificationId(Id, finding.Number);
                    var opened = await GrainFactory.GetGrain<IRectificationGrain>(rectificationId).ExecuteAsync(
                        new OpenRectification(party, new RectificationSource("supervision", Id, r.Title, finding.Text)), actor,
                        $"{Id}:finding:{finding.Number}");
                    if (!opened.Ok)
                    {
                        return Refuse(opened.Outcome, opened.Message ?? opened.Outcome.ToString());
                    }

                    var list = r.Findings.ToList();
                    list[index] = finding with { RectificationId = rectificationId };
                    S.Record = r with { Findings = list };
                    comment = rectificationId;
                    break;
                }

            case LinkSupervisionSurvey c:
                {
                    var r = S.Record!;
                    if (r.Kind != SupervisionKind.OnlineSurvey)
                    {
                        return Invalid(Msg.Of("supervision.surveyOnlyOnline"));
                    }

                    var surveyId = OpsGrainSupport.Optional(c.SurveyId);
                    if (surveyId is null || surveyId.Length > MaxShort || await GrainFactory.GetGrain<ISurveyGrain>(surveyId).GetAsync() is null)
                    {
                        return Invalid(Msg.Of("supervision.noSuchSurvey"));
                    }

                    S.Record = r with { State = to, SurveyId = surveyId };
                    comment = surveyId;
                    break;
                }

            case CloseSupervision c:
                if (!OpsGrainSupport.FitsOptional(c.Note, MaxText))
                {
                    return Invalid(Msg.Of("supervision.noteTooLong", ("max", MaxText)));
                }

                S.Record = S.Record! with { State = to };
                comment = OpsGrainSupport.Optional(c.Note);
                break;

            default:
                return Invalid(Msg.Of("supervision.unknownCommand"));
        }

        S.Record = S.Record with { Version = S.Record.Version + 1, UpdatedAt = now };
        var entry = new SupervisionHistoryEntry(S.Record.Version, now, actor.UserId, actor.Name, command.Type, from, S.Record.State, comment);
        S.History.Add(entry);
        _events.Owe(entry.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Record.State.ToString());
        return new SupervisionResult(OpsOutcome.Applied, null, S.Record.State, SupervisionWorkflow.Table.AllowedIn(S.Record.State), S.Record);
    }

    private void OweHistory()
    {
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[0].Version);
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Record is not { } record)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordAsync(record, entry, cancellationToken));
        await _journal.RecordAsync(record, null, cancellationToken);
    }

    private static DateOnly Today(DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(Indicators.IndicatorMonths.TimeZone)).DateTime);

    private SupervisionResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private SupervisionResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Record?.State, SupervisionWorkflow.Table.AllowedIn(S.Record?.State), S.Record);

    [LoggerMessage(Level = LogLevel.Information, Message = "Supervision {RecordId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string recordId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supervision {RecordId}: could not update the read table or event log yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string recordId, string reason);
}
