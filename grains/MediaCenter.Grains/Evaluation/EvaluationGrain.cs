using System.Globalization;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Supervision;
using MediaCenter.Grains.Tickets;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Evaluation;

/// <summary>Stored state of an evaluation. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.EvaluationGrainState")]
public sealed class EvaluationGrainState
{
    [Id(0)] public EvaluationView? Evaluation { get; set; }
    [Id(1)] public List<EvaluationHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<EvaluationResult>> Applied { get; set; } = [];
}

/// <summary>
/// One yearly evaluation of a center (F12.1, §11.1.2, §12.1–12.3). Commands run through the command pipeline against
/// <see cref="EvaluationWorkflow"/>. A finding opens a rectification of the center on the general rectification grain (with
/// this evaluation as its source and a person responsible recorded here); a failing result cannot be concluded without one,
/// and no evaluation closes while one is not done. The read table and the event log follow through
/// <see cref="IEvaluationJournal"/>; every change is also pushed live on the operations topic. Once the evaluation is closed,
/// management is told (once) to plan the center's evaluation of the next year, unless it is planned already.
/// </summary>
internal sealed partial class EvaluationGrain : Grain, IEvaluationGrain
{
    private const int MaxTitle = 200;
    private const int MaxText = 4000;
    private const int MaxShort = 100;
    private const int MaxCriteria = 30;
    private const int MaxItems = 100;
    private const int FirstYear = 2000;
    private const int LastYear = 2100;
    internal const string PlanNextKind = "evaluationPlanNext";

    private readonly IPersistentState<EvaluationGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IEvaluationJournal _journal;
    private readonly IAlertCentreJournal _alerts;
    private readonly ILogger<EvaluationGrain> _logger;
    private readonly CommandPipeline<EvaluationGrainState, EvaluationState, EvaluationCommandType, OpsRole, EvaluationResult> _pipeline;
    private readonly EventBacklog _events = new();

    public EvaluationGrain(
        [PersistentState("evaluation", StorageNames.Main)] IPersistentState<EvaluationGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IEvaluationJournal journal,
        IAlertCentreJournal alerts,
        Orleans.Serialization.DeepCopier<EvaluationGrainState> copier,
        ILogger<EvaluationGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _alerts = alerts;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state,
            new WorkflowSpec<EvaluationGrainState, EvaluationState, EvaluationCommandType, OpsRole, EvaluationResult>
            {
                Table = EvaluationWorkflow.Table,
                StageOf = s => s.Evaluation?.State,
                Operations = OperationMemory<EvaluationGrainState, EvaluationResult>.Over(s => s.Applied, a => a.OperationId,
                    a => a.Result with { Replay = true }, (id, result) => new AppliedOperation<EvaluationResult>(id, result)),
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("evaluation.what"))),
                RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
                Announce = AnnounceAsync,
                AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
                Reread = OweHistory,
            });
    }

    private EvaluationGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Evaluation is null)
        {
            return Task.CompletedTask;
        }

        // A write acknowledged just before the last activation ended may not have reached the read table or the log.
        OweHistory();
        return _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<EvaluationView?> GetAsync() => Task.FromResult(S.Evaluation);

    public Task<List<EvaluationHistoryEntry>> GetHistoryAsync() => Task.FromResult(S.History.ToList());

    public Task<EvaluationResult> ExecuteAsync(EvaluationCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<EvaluationState, EvaluationCommandType, OpsRole, EvaluationResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Vet = _ => command is ScoreEvaluation { Party: { } party } && Enum.IsDefined(party) && !EvaluationWorkflow.MayScore(party, actor.Roles)
                ? Msg.Of("evaluation.scoreRole", ("party", party))
                : null,
            Decide = transition => DecideAsync(command, actor, transition.To!.Value),
        });

    private async Task<EvaluationResult> DecideAsync(EvaluationCommand command, OpsActor actor, EvaluationState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Evaluation?.State;
        string? comment;
        switch (command)
        {
            case PlanEvaluation c:
                {
                    var party = OpsGrainSupport.Optional(c.PartyId);
                    if (party is null || party.Length > MaxShort || c.Year is not (>= FirstYear and <= LastYear) || EvaluationWorkflow.IdOf(party, c.Year.Value) != Id
                        || !OpsGrainSupport.FitsOptional(c.Title, MaxTitle))
                    {
                        return Invalid(Msg.Of("evaluation.planRequired", ("first", FirstYear), ("last", LastYear), ("max", MaxTitle)));
                    }

                    var title = OpsGrainSupport.Optional(c.Title) ?? Msg.Of("evaluation.defaultTitle", ("party", party), ("year", c.Year.Value));
                    S.Evaluation = new EvaluationView(Id, party, c.Year.Value, title, to, [], EvaluationBands.Default, [], null, [], [], null, null, null, null, null,
                        actor.Name, 0, now, now);
                    comment = title;
                    break;
                }

            case DefineEvaluation c:
                {
                    if (CriteriaProblem(c.Criteria) is { } problem)
                    {
                        return Invalid(problem);
                    }

                    var bands = c.Bands ?? S.Evaluation!.Bands;
                    if (!bands.Valid)
                    {
                        return Invalid(Msg.Of("evaluation.bandsInvalid"));
                    }

                    var criteria = c.Criteria!.Select(x => new EvaluationCriterion(x.Code.Trim(), x.Name.Trim(), x.Weight)).ToList();
                    S.Evaluation = S.Evaluation! with { Criteria = criteria, Bands = bands };
                    comment = string.Join(", ", criteria.Select(x => $"{x.Code} {x.Weight.ToString(CultureInfo.InvariantCulture)}"));
                    break;
                }

            case StartEvaluation:
                if (CriteriaProblem(S.Evaluation!.Criteria) is { } missing)
                {
                    return Invalid(missing);
                }

                S.Evaluation = S.Evaluation with { State = to };
                comment = null;
                break;

            case ScoreEvaluation c:
                {
                    var e = S.Evaluation!;
                    if (c.Party is not { } party || !Enum.IsDefined(party) || e.Criteria.All(x => x.Code != c.Criterion) || c.Score is not { } score || score < 0m || score > 100m
                        || !OpsGrainSupport.FitsOptional(c.Comment, MaxText))
                    {
                        return Invalid(Msg.Of("evaluation.scoreRequired"));
                    }

                    var entered = new EvaluationScore(party, c.Criterion!, Math.Round(score, 2, MidpointRounding.AwayFromZero), OpsGrainSupport.Optional(c.Comment),
                        actor.Name, now, null);
                    S.Evaluation = e with { Scores = WithScore(e.Scores, entered) };
                    comment = $"{party} {c.Criterion} {score.ToString(CultureInfo.InvariantCulture)}";
                    break;
                }

            case LinkEvaluationSurvey c:
                {
                    var e = S.Evaluation!;
                    if (e.Criteria.All(x => x.Code != c.Criterion))
                    {
                        return Invalid(Msg.Of("evaluation.noSuchCriterion"));
                    }

                    var surveyId = OpsGrainSupport.Optional(c.SurveyId);
                    var survey = surveyId is null || surveyId.Length > MaxShort ? null : await GrainFactory.GetGrain<ISurveyGrain>(surveyId).GetAsync();
                    if (survey is null || survey.State == SurveyState.Draft)
                    {
                        return Invalid(Msg.Of("evaluation.noSuchSurvey"));
                    }

                    if (EvaluationScoring.MeanRating(survey) is not { } mean)
                    {
                        return Invalid(Msg.Of("evaluation.surveyHasNoRatings"));
                    }

                    // A rating of 1–5 on a 0–100 scale: ×20, so the best answer is worth full marks.
                    var score = Math.Round(mean.Mean * 20m, 2, MidpointRounding.AwayFromZero);
                    var linked = new EvaluationSurvey(survey.Id, c.Criterion!, mean.Mean, mean.Ratings, score, now);
                    var scores = e.Scores.Where(s => s.SurveyId is null || s.Party != EvaluationParty.Public).ToList();
                    S.Evaluation = e with
                    {
                        Survey = linked,
                        Scores = WithScore(scores, new EvaluationScore(EvaluationParty.Public, c.Criterion!, score, null, actor.Name, now, survey.Id)),
                    };
                    comment = $"{survey.Id} {mean.Mean.ToString(CultureInfo.InvariantCulture)} × {mean.Ratings.ToString(CultureInfo.InvariantCulture)}";
                    break;
                }

            case AddEvaluationEvidence c:
                {
                    var e = S.Evaluation!;
                    var reference = OpsGrainSupport.Optional(c.Reference);
                    if (c.Kind is not { } kind || !Enum.IsDefined(kind) || reference is null || reference.Length > MaxTitle || !OpsGrainSupport.FitsOptional(c.Note, MaxText)
                        || e.Evidence.Count >= MaxItems)
                    {
                        return Invalid(Msg.Of("evaluation.evidenceRequired", ("max", MaxItems)));
                    }

                    if (!await EvidenceExistsAsync(kind, reference))
                    {
                        return Invalid(Msg.Of("evaluation.noSuchEvidence", ("kind", kind), ("reference", reference)));
                    }

                    // A ticket is evidence about a center only when it was assigned to that center (the operator's: to the operator).
                    if (kind == EvaluationEvidenceKind.Ticket && !AssignedTo(await GrainFactory.GetGrain<ITicketGrain>(reference).GetAsync(), e.PartyId))
                    {
                        return Invalid(Msg.Of("evaluation.ticketOfAnotherCenter", ("reference", reference), ("party", e.PartyId)));
                    }

                    var number = e.Evidence.Count + 1;
                    S.Evaluation = e with { Evidence = [.. e.Evidence, new EvaluationEvidence(number, kind, reference, OpsGrainSupport.Optional(c.Note), actor.Name, now)] };
                    comment = $"{kind} {reference}";
                    break;
                }

            case AddEvaluationFinding c:
                {
                    var e = S.Evaluation!;
                    var criterion = OpsGrainSupport.Optional(c.Criterion);
                    if (OpsGrainSupport.Required(c.Text, MaxText) is not { } text || e.Findings.Count >= MaxItems || (criterion is not null && e.Criteria.All(x => x.Code != criterion)))
                    {
                        return Invalid(Msg.Of("evaluation.findingRequired", ("max", MaxText), ("findings", MaxItems)));
                    }

                    var number = e.Findings.Count + 1;
                    S.Evaluation = e with { Findings = [.. e.Findings, new EvaluationFinding(number, text, criterion, null, null, now, actor.Name)] };
                    comment = "#" + number.ToString(CultureInfo.InvariantCulture);
                    break;
                }

            case OpenEvaluationRectification c:
                {
                    var e = S.Evaluation!;
                    var index = e.Findings.FindIndex(f => f.Number == c.Number);
                    if (index < 0)
                    {
                        return Invalid(Msg.Of("evaluation.noSuchFinding"));
                    }

                    if (OpsGrainSupport.Required(c.Responsible, MaxShort) is not { } responsible)
                    {
                        return Invalid(Msg.Of("evaluation.responsibleRequired", ("max", MaxShort)));
                    }

                    var finding = e.Findings[index];
                    if (finding.RectificationId is not null)
                    {
                        return Invalid(Msg.Of("evaluation.findingHasRectification", ("id", finding.RectificationId)));
                    }

                    // The rectification's id and operation follow from the finding: a retry after a failed write reaches the same one.
                    var rectificationId = EvaluationWorkflow.RectificationId(Id, finding.Number);
                    var opened = await GrainFactory.GetGrain<IRectificationGrain>(rectificationId).ExecuteAsync(
                        new OpenRectification(e.PartyId, new RectificationSource("evaluation", Id, e.Title, finding.Text)), actor, $"{Id}:finding:{finding.Number}");
                    if (!opened.Ok)
                    {
                        return Refuse(opened.Outcome, opened.Message ?? opened.Outcome.ToString());
                    }

                    var list = e.Findings.ToList();
                    list[index] = finding with { RectificationId = rectificationId, Responsible = responsible };
                    S.Evaluation = e with { Findings = list };
                    comment = $"{rectificationId} {responsible}";
                    break;
                }

            case CompleteEvaluation:
                {
                    var e = S.Evaluation!;
                    var unscored = e.Criteria.Where(x => e.Scores.All(s => s.Criterion != x.Code)).Select(x => x.Code).ToList();
                    if (unscored.Count > 0)
                    {
                        return Invalid(Msg.Of("evaluation.criteriaUnscored", ("criteria", string.Join(", ", unscored))));
                    }

                    var silent = Enum.GetValues<EvaluationParty>().Where(p => e.Scores.All(s => s.Party != p)).ToList();
                    if (silent.Count > 0)
                    {
                        return Invalid(Msg.Of("evaluation.partiesUnheard", ("parties", Msg.List(silent.Cast<object?>()))));
                    }

                    var total = EvaluationScoring.Total(e)!.Value;
                    S.Evaluation = e with { State = to, Total = total };
                    comment = total.ToString(CultureInfo.InvariantCulture);
                    break;
                }

            case ReopenEvaluation c:
                if (OpsGrainSupport.Required(c.Reason, MaxText) is not { } reason)
                {
                    return Invalid(Msg.Of("evaluation.reasonRequired", ("max", MaxText)));
                }

                S.Evaluation = S.Evaluation! with { State = to, Total = null };
                comment = reason;
                break;

            case ConcludeEvaluation c:
                {
                    var e = S.Evaluation!;
                    if (!OpsGrainSupport.FitsOptional(c.Summary, MaxText) || !OpsGrainSupport.FitsOptional(c.Reward, MaxText) || !OpsGrainSupport.FitsOptional(c.Practice, MaxText))
                    {
                        return Invalid(Msg.Of("evaluation.textTooLong", ("max", MaxText)));
                    }

                    var grade = e.Bands.GradeOf(e.Total!.Value);
                    string? reward = null;
                    string? practice = null;
                    if (grade == EvaluationGrade.Fail && !e.Findings.Any(f => f.RectificationId is not null && f.Responsible is not null))
                    {
                        // §12.3.2: a failing center is made to rectify, with someone answerable for it.
                        return Invalid(Msg.Of("evaluation.failNeedsRectification"));
                    }

                    if (grade == EvaluationGrade.Excellent)
                    {
                        // §12.3.2–12.3.3: an excellent result is rewarded and its practice promoted.
                        reward = OpsGrainSupport.Optional(c.Reward);
                        practice = OpsGrainSupport.Optional(c.Practice);
                        if (reward is null || practice is null)
                        {
                            return Invalid(Msg.Of("evaluation.excellentNeedsReward"));
                        }
                    }

                    S.Evaluation = e with { State = to, Result = grade, Summary = OpsGrainSupport.Optional(c.Summary), Reward = reward, Practice = practice };
                    comment = $"{grade} {e.Total.Value.ToString(CultureInfo.InvariantCulture)}";
                    break;
                }

            case CloseEvaluation c:
                {
                    if (!OpsGrainSupport.FitsOptional(c.Note, MaxText))
                    {
                        return Invalid(Msg.Of("evaluation.textTooLong", ("max", MaxText)));
                    }

                    var open = new List<string>();
                    foreach (var id in S.Evaluation!.Findings.Select(f => f.RectificationId).OfType<string>())
                    {
                        var state = (await GrainFactory.GetGrain<IRectificationGrain>(id).GetAsync())?.State;
                        if (state is not (RectificationState.Done or RectificationState.Accepted))
                        {
                            open.Add(id);
                        }
                    }

                    if (open.Count > 0)
                    {
                        return Invalid(Msg.Of("evaluation.rectificationsOpen", ("ids", string.Join(", ", open))));
                    }

                    S.Evaluation = S.Evaluation with { State = to };
                    comment = OpsGrainSupport.Optional(c.Note);
                    break;
                }

            default:
                return Invalid(Msg.Of("evaluation.unknownCommand"));
        }

        S.Evaluation = S.Evaluation with { Version = S.Evaluation.Version + 1, UpdatedAt = now };
        var entry = new EvaluationHistoryEntry(S.Evaluation.Version, now, actor.UserId, actor.Name, command.Type, from, S.Evaluation.State, comment);
        S.History.Add(entry);
        _events.Owe(entry.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Evaluation.State.ToString());
        return new EvaluationResult(OpsOutcome.Applied, null, S.Evaluation.State, EvaluationWorkflow.Table.AllowedIn(S.Evaluation.State), S.Evaluation);
    }

    /// <summary>Why a list of criteria cannot be used: none, a blank code or name, a duplicate code, a weight out of 1–100, or weights not summing to 100.</summary>
    private static string? CriteriaProblem(List<EvaluationCriterion>? criteria)
    {
        if (criteria is not { Count: > 0 and <= MaxCriteria }
            || criteria.Any(c => c is null || OpsGrainSupport.Required(c.Code, MaxShort) is null || OpsGrainSupport.Required(c.Name, MaxTitle) is null || c.Weight is < 1 or > 100)
            || criteria.Select(c => c.Code.Trim()).Distinct(StringComparer.Ordinal).Count() != criteria.Count)
        {
            return Msg.Of("evaluation.criteriaRequired", ("max", MaxCriteria));
        }

        var sum = criteria.Sum(c => c.Weight);
        return sum == 100 ? null : Msg.Of("evaluation.weightsMustSum", ("sum", sum));
    }

    /// <summary>Whether the ticket was assigned to the organisation evaluated: an access party, or the operator itself.</summary>
    private static bool AssignedTo(TicketView? ticket, string partyId) =>
        ticket is not null && (partyId == People.Organisation.OperatorKey ? ticket.Assignee == People.Organisation.OperatorKey : ticket.PartyId == partyId);

    private static List<EvaluationScore> WithScore(List<EvaluationScore> scores, EvaluationScore score) =>
        [.. scores.Where(s => s.Party != score.Party || s.Criterion != score.Criterion), score];

    /// <summary>Indicators, tickets and supervision records are asked for (one grain call each); a report is an API address, checked by its form only.</summary>
    private async Task<bool> EvidenceExistsAsync(EvaluationEvidenceKind kind, string reference) => kind switch
    {
        EvaluationEvidenceKind.Indicator => await GrainFactory.GetGrain<IIndicatorGrain>(reference).GetAsync() is not null,
        EvaluationEvidenceKind.Ticket => await GrainFactory.GetGrain<ITicketGrain>(reference).GetAsync() is not null,
        EvaluationEvidenceKind.Supervision => await GrainFactory.GetGrain<ISupervisionRecordGrain>(reference).GetAsync() is not null,
        EvaluationEvidenceKind.Report => reference.StartsWith("/api/", StringComparison.Ordinal) && !reference.Contains("..", StringComparison.Ordinal),
        _ => false,
    };

    private void OweHistory()
    {
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[0].Version);
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Evaluation is not { } evaluation)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordAsync(evaluation, entry, cancellationToken));
        await _journal.RecordAsync(evaluation, null, cancellationToken);
        await GrainFactory.PublishLiveAsync(LiveTopic.Operations, new EvaluationViewChanged(evaluation));
        if (evaluation.State == EvaluationState.Closed)
        {
            await RemindToPlanNextAsync(evaluation);
        }
    }

    /// <summary>
    /// Management is told to plan next year's evaluation of the center. Part of announcing the close, so it is retried with it
    /// (and on the next activation) until stored; the notification's id is the evaluation's, so it is stored once.
    /// </summary>
    private async Task RemindToPlanNextAsync(EvaluationView evaluation)
    {
        var next = evaluation.Year + 1;
        if (next > LastYear || await GrainFactory.GetGrain<IEvaluationGrain>(EvaluationWorkflow.IdOf(evaluation.PartyId, next)).GetAsync() is not null)
        {
            return;
        }

        var id = $"eval:{Id}:plan-next";
        var now = _time.GetUtcNow();
        string title = Msg.Of("evaluation.planNextTitle", ("party", evaluation.PartyId), ("year", next));
        string body = Msg.Of("evaluation.planNextBody", ("party", evaluation.PartyId), ("year", evaluation.Year), ("next", next),
            ("result", evaluation.Result?.ToString() ?? "—"));
        if (await _alerts.NotifyAsync(new AlertNotification(id, "management", PlanNextKind, evaluation.PartyId, title, body, now)))
        {
            await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, "management", PlanNextKind, null, evaluation.PartyId, null, title, body, now));
        }
    }

    private EvaluationResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private EvaluationResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Evaluation?.State, EvaluationWorkflow.Table.AllowedIn(S.Evaluation?.State), S.Evaluation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluation {EvaluationId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string evaluationId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluation {EvaluationId}: could not update the read table or event log yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string evaluationId, string reason);
}
