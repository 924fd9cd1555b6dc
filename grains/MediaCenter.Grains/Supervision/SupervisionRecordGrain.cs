using System.Globalization;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace MediaCenter.Grains.Supervision;

/// <summary>Stored state of a supervision record. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.SupervisionRecordState")]
public sealed class SupervisionRecordState
{
    [Id(0)] public SupervisionRecordView? Record { get; set; }
    [Id(1)] public List<SupervisionHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<SupervisionResult>> Applied { get; set; } = [];

    /// <summary>The planned day the responsible person was reminded of (once per day planned).</summary>
    [Id(3)] public DateOnly? RemindedFor { get; set; }
}

/// <summary>
/// One supervision activity (F11.2, §11.2.2). Commands run through the command pipeline against
/// <see cref="SupervisionWorkflow"/>; a finding opens a rectification of the party on the general rectification grain, with
/// this record as its source, so the party answers it like any other and the record shows how far it got. The read table
/// and the event log follow through <see cref="ISupervisionJournal"/>. While a planned activity has a day, a durable reminder
/// tells the person responsible the day before (09:00, Asia/Shanghai) and, when the day ends without the activity recorded,
/// raises the overdue flag (a history entry, so the list and the page follow) and tells them and management.
/// </summary>
internal sealed partial class SupervisionRecordGrain : Grain, ISupervisionRecordGrain, IRemindable
{
    internal const string ScheduleReminder = "schedule";
    internal const string DueKind = "supervisionDue";
    internal const string OverdueKind = "supervisionOverdue";
    private static readonly TimeSpan RemindAtHour = TimeSpan.FromHours(9);

    private const int MaxTitle = 200;
    private const int MaxText = 4000;
    private const int MaxShort = 100;
    private const int MaxFindings = 50;

    private readonly IPersistentState<SupervisionRecordState> _state;
    private readonly TimeProvider _time;
    private readonly ISupervisionJournal _journal;
    private readonly IAlertCentreJournal _alerts;
    private readonly IOptions<ReminderOptions> _reminders;
    private readonly ILogger<SupervisionRecordGrain> _logger;
    private readonly CommandPipeline<SupervisionRecordState, SupervisionState, SupervisionCommandType, OpsRole, SupervisionResult> _pipeline;
    private readonly EventBacklog _events = new();

    public SupervisionRecordGrain(
        [PersistentState("supervision", StorageNames.Main)] IPersistentState<SupervisionRecordState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        ISupervisionJournal journal,
        IAlertCentreJournal alerts,
        IOptions<ReminderOptions> reminders,
        Orleans.Serialization.DeepCopier<SupervisionRecordState> copier,
        ILogger<SupervisionRecordGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _alerts = alerts;
        _reminders = reminders;
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
            AfterWrite = _ => KeepReminderAsync(),
        });

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ScheduleReminder)
        {
            await CheckScheduleAsync();
        }
    }

    /// <summary>
    /// Runs on each tick of the schedule reminder: the day-before notice once per planned day, then the overdue flag once the
    /// day is over. Notifications carry ids made of the record and the day, so a tick repeated after a failed write stores
    /// nothing twice.
    /// </summary>
    public async Task<int> CheckScheduleAsync()
    {
        if (S.Record is not { State: SupervisionState.Planned, PlannedFor: { } day } record)
        {
            await KeepReminderAsync();
            return 0;
        }

        var stored = 0;
        var now = _time.GetUtcNow();
        var (remindAt, overdueAt) = Moments(day);
        var audience = record.ResponsibleId is { } who ? "user:" + who.ToString("N") : "management";
        var party = record.VisibleToParty ? record.PartyId : null;
        if (now >= overdueAt && !record.Overdue)
        {
            string title = Msg.Of("supervision.overdueTitle", ("title", record.Title));
            string body = Msg.Of("supervision.overdueBody", ("day", Day(day)), ("responsible", record.Responsible ?? "—"));
            foreach (var to in new[] { audience, "management" }.Distinct(StringComparer.Ordinal))
            {
                stored += await NotifyAsync($"sup:{Id}:overdue:{Day(day)}:{to}", to, OverdueKind, party, title, body, now);
            }

            S.Record = record with { Overdue = true, Version = record.Version + 1, UpdatedAt = now };
            S.RemindedFor = day;
            S.History.Add(new SupervisionHistoryEntry(S.Record.Version, now, Guid.Empty, "system", SupervisionCommandType.MarkOverdue, record.State,
                record.State, Day(day)));
            _events.Owe(S.Record.Version);
            await _state.WriteStateAsync();
            LogChanged(_logger, Id, nameof(SupervisionCommandType.MarkOverdue), record.State.ToString(), record.State.ToString());
            await _pipeline.Announcer.RunAsync(CancellationToken.None);
        }
        else if (now >= remindAt && now < overdueAt && S.RemindedFor != day)
        {
            string title = Msg.Of("supervision.dueTitle", ("title", record.Title));
            string body = Msg.Of("supervision.dueBody", ("day", Day(day)), ("party", record.PartyId ?? "—"));
            stored += await NotifyAsync($"sup:{Id}:due:{Day(day)}", audience, DueKind, party, title, body, now);
            S.RemindedFor = day;
            await _state.WriteStateAsync();
        }

        await KeepReminderAsync();
        return stored;
    }

    private async Task<int> NotifyAsync(string id, string audience, string kind, string? partyId, string title, string body, DateTimeOffset now)
    {
        // Only supervisors are told (a person responsible or management, never the party): a mystery visit stays hidden.
        if (await _alerts.NotifyAsync(new AlertNotification(id, audience, kind, partyId, title, body, now)))
        {
            await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(id, audience, kind, null, partyId, null, title, body, now));
            return 1;
        }

        return 0;
    }

    /// <summary>The next moment the schedule needs looking at, or null when nothing is left to do for the planned day.</summary>
    private DateTimeOffset? NextCheck()
    {
        if (S.Record is not { State: SupervisionState.Planned, PlannedFor: { } day } record || record.Overdue)
        {
            return null;
        }

        var (remindAt, overdueAt) = Moments(day);
        return S.RemindedFor == day || _time.GetUtcNow() >= overdueAt ? overdueAt : remindAt;
    }

    /// <summary>Keeps the schedule reminder registered exactly while a planned day has a notice or a flag still to come.</summary>
    private async Task KeepReminderAsync()
    {
        if (NextCheck() is { } next)
        {
            var due = next - _time.GetUtcNow();
            var period = _reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? _reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
            await this.RegisterOrUpdateReminder(ScheduleReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, period);
        }
        else if (await this.GetReminder(ScheduleReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>09:00 the day before, and the end of the planned day (Asia/Shanghai).</summary>
    private static (DateTimeOffset RemindAt, DateTimeOffset OverdueAt) Moments(DateOnly day)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Indicators.IndicatorMonths.TimeZone);
        DateTimeOffset At(DateOnly d, TimeSpan time)
        {
            var local = d.ToDateTime(TimeOnly.FromTimeSpan(time));
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }

        return (At(day.AddDays(-1), RemindAtHour), At(day.AddDays(1), TimeSpan.Zero));
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

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

                    if (c.Responsible is { } person && (person.Id == Guid.Empty || OpsGrainSupport.Required(person.Name, MaxShort) is null))
                    {
                        return Invalid(Msg.Of("supervision.responsibleInvalid"));
                    }

                    S.Record = new SupervisionRecordView(Id, kind, to, title, OpsGrainSupport.Optional(c.PartyId), OpsGrainSupport.Optional(c.Channel),
                        c.PlannedFor, OpsGrainSupport.Optional(c.Detail), null, null, null, [], null, actor.Name, 0, now, now,
                        c.Responsible?.Id, c.Responsible?.Name.Trim());
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
                    S.Record = S.Record! with
                    {
                        State = to,
                        DoneOn = c.DoneOn ?? Today(now),
                        DoneBy = actor.Name,
                        Summary = summary,
                        Findings = numbered,
                        Overdue = false,
                    };
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

            case ScheduleSupervision c:
                {
                    if (c.PlannedFor is not { } day)
                    {
                        return Invalid(Msg.Of("supervision.dayRequired"));
                    }

                    if (c.Responsible is { } person && (person.Id == Guid.Empty || OpsGrainSupport.Required(person.Name, MaxShort) is null))
                    {
                        return Invalid(Msg.Of("supervision.responsibleInvalid"));
                    }

                    var r = S.Record!;
                    S.Record = r with
                    {
                        PlannedFor = day,
                        ResponsibleId = c.Responsible?.Id ?? r.ResponsibleId,
                        Responsible = c.Responsible?.Name.Trim() ?? r.Responsible,
                        Overdue = r.Overdue && r.PlannedFor == day,
                    };
                    comment = Day(day) + (S.Record.Responsible is { } name ? " · " + name : "");
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
        await GrainFactory.PublishLiveAsync(LiveTopic.Operations, new SupervisionViewChanged(record));
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
