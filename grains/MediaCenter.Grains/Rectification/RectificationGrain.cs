using System.Globalization;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MediaCenter.Grains.Rectification;

/// <summary>Stored state of a rectification. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.RectificationGrainState")]
public sealed class RectificationGrainState
{
    [Id(0)] public RectificationView? Rectification { get; set; }
    [Id(1)] public List<RectificationHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<RectificationResult>> Applied { get; set; } = [];
}

/// <summary>
/// One rectification of an access party, whatever opened it. Commands run through the command pipeline against
/// <see cref="RectificationWorkflow"/>; the read table follows through <see cref="IRectificationJournal"/>. While planned,
/// a durable reminder checks the actions' due dates (Asia/Shanghai days) and reminds the party once of each overdue action.
/// </summary>
internal sealed partial class RectificationGrain : Grain, IRectificationGrain, IRemindable
{
    internal const string OverdueReminder = "overdue";
    internal const string OverdueKind = "rectificationOverdue";
    private const int MaxText = 4000;
    private const int MaxActions = 50;
    private const int MaxShort = 200;
    private static readonly TimeSpan CheckEvery = TimeSpan.FromHours(1);

    private readonly IPersistentState<RectificationGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IRectificationJournal _journal;
    private readonly IAlertCentreJournal _alerts;
    private readonly ILogger<RectificationGrain> _logger;
    private readonly CommandPipeline<RectificationGrainState, RectificationState, RectificationCommandType, OpsRole, RectificationResult> _pipeline;
    private readonly EventBacklog _events = new();

    public RectificationGrain(
        [PersistentState("rectification", StorageNames.Main)] IPersistentState<RectificationGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IRectificationJournal journal,
        IAlertCentreJournal alerts,
        Orleans.Serialization.DeepCopier<RectificationGrainState> copier,
        ILogger<RectificationGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _alerts = alerts;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state,
            new WorkflowSpec<RectificationGrainState, RectificationState, RectificationCommandType, OpsRole, RectificationResult>
            {
                Table = RectificationWorkflow.Table,
                StageOf = s => s.Rectification?.State,
                Operations = OperationMemory<RectificationGrainState, RectificationResult>.Over(s => s.Applied, a => a.OperationId,
                    a => a.Result with { Replay = true }, (id, result) => new AppliedOperation<RectificationResult>(id, result)),
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.rectification"))),
                RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
                Announce = AnnounceAsync,
                AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
                Reread = OweHistory,
            });
    }

    private RectificationGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Rectification is null)
        {
            return Task.CompletedTask;
        }

        OweHistory();
        return _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<RectificationView?> GetAsync() => Task.FromResult(S.Rectification);

    public Task<List<RectificationHistoryEntry>> GetHistoryAsync() => Task.FromResult(S.History.ToList());

    public Task<RectificationResult> ExecuteAsync(RectificationCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<RectificationState, RectificationCommandType, OpsRole, RectificationResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Vet = _ => Vet(command, actor),
            Decide = transition => Task.FromResult(Decide(command, actor, transition.To!.Value)),
            AfterWrite = _ => KeepReminderAsync(),
        });

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == OverdueReminder)
        {
            await CheckOverdueAsync();
        }
    }

    public async Task<int> CheckOverdueAsync()
    {
        if (S.Rectification is not { State: RectificationState.Planned } rectification)
        {
            await KeepReminderAsync();
            return 0;
        }

        var today = Today();
        var due = rectification.Actions.Where(a => a.DoneAt is null && !a.OverdueReminded && a.Due < today).ToList();
        var reminded = 0;
        foreach (var action in due)
        {
            // The notification is stored before the mark: a crash between them repeats the call, and the id stores it once.
            var id = $"rect:{Id}:overdue:{action.Number}";
            // The operator's own rectifications (of its yearly evaluation) are answered by its administrators.
            var audience = rectification.PartyId == People.Organisation.OperatorKey ? "role:admin" : "party:" + rectification.PartyId;
            var now = _time.GetUtcNow();
            string title = Msg.Of("indicator.actionOverdue", ("what", action.What));
            string body = Msg.Of("indicator.actionOverdueBody", ("source", rectification.Source.Title), ("number", action.Number), ("owner", action.Owner),
                ("due", Day(action.Due)));
            if (await _alerts.NotifyAsync(new AlertNotification(id, audience, OverdueKind, rectification.PartyId, title, body, now)))
            {
                reminded++;
                await GrainFactory.PublishLiveAsync(LiveTopic.Notifications,
                    new NotificationRaised(id, audience, OverdueKind, null, rectification.PartyId, null, title, body, now));
            }

            var index = rectification.Actions.FindIndex(a => a.Number == action.Number);
            rectification.Actions[index] = action with { OverdueReminded = true };
        }

        if (due.Count > 0)
        {
            await _state.WriteStateAsync();
        }

        return reminded;
    }

    private string? Vet(RectificationCommand command, OpsActor actor) =>
        command.Type == RectificationCommandType.Accept && S.Rectification is { } r && (actor.Roles.HasFlag(OpsRole.Party) || actor.UserId == r.FiledById)
            ? Msg.Of("indicator.ownExplanation")
            : null;

    private RectificationResult Decide(RectificationCommand command, OpsActor actor, RectificationState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Rectification?.State;
        string? comment = null;
        switch (command)
        {
            case OpenRectification c:
                {
                    if (string.IsNullOrWhiteSpace(c.PartyId) || c.Source is not { } source || string.IsNullOrWhiteSpace(source.Kind)
                        || string.IsNullOrWhiteSpace(source.Reference) || OpsGrainSupport.Required(source.Title, MaxShort) is null)
                    {
                        return Invalid(Msg.Of("indicator.rectificationSourceRequired"));
                    }

                    S.Rectification = new RectificationView(Id, c.PartyId.Trim(), source, to, null, [], null, null, null, null, 0, now, now);
                    comment = source.Title;
                    break;
                }

            case AnalyseRectification c:
                {
                    var analysis = OpsGrainSupport.Required(c.Analysis, MaxText);
                    if (analysis is null)
                    {
                        return Invalid(Msg.Of("indicator.analysisRequired", ("max", MaxText)));
                    }

                    S.Rectification = S.Rectification! with { Analysis = analysis, State = to };
                    break;
                }

            case PlanRectification c:
                {
                    if (c.Actions is not { Count: > 0 and <= MaxActions } drafts
                        || drafts.Any(a => OpsGrainSupport.Required(a.What, MaxText) is null || OpsGrainSupport.Required(a.Owner, MaxShort) is null || a.Due is null))
                    {
                        return Invalid(Msg.Of("indicator.actionsRequired", ("max", MaxActions)));
                    }

                    var actions = drafts.Select((a, i) => new RectificationAction(i + 1, a.What!.Trim(), a.Owner!.Trim(), a.Due!.Value, null, null, null, false)).ToList();
                    S.Rectification = S.Rectification! with { Actions = actions, State = to, DecisionComment = null };
                    comment = Msg.Of("indicator.actionsPlanned", ("count", actions.Count));
                    break;
                }

            case CompleteRectificationAction c:
                {
                    var actions = S.Rectification!.Actions;
                    var index = actions.FindIndex(a => a.Number == c.Number);
                    if (index < 0 || actions[index].DoneAt is not null || !OpsGrainSupport.FitsOptional(c.Note, MaxText))
                    {
                        return Invalid(Msg.Of("indicator.noSuchOpenAction"));
                    }

                    actions[index] = actions[index] with { DoneAt = now, DoneBy = actor.Name, Note = OpsGrainSupport.Optional(c.Note) };
                    S.Rectification = S.Rectification with { State = to };
                    comment = $"#{c.Number}";
                    break;
                }

            case FinishRectification c:
                if (S.Rectification!.Actions.Any(a => a.DoneAt is null))
                {
                    return Invalid(Msg.Of("indicator.actionsOpen"));
                }

                S.Rectification = S.Rectification with { State = to };
                comment = OpsGrainSupport.Optional(c.Note);
                break;

            case FileExplanation c:
                {
                    var explanation = OpsGrainSupport.Required(c.Explanation, MaxText);
                    if (explanation is null)
                    {
                        return Invalid(Msg.Of("indicator.explanationRequired", ("max", MaxText)));
                    }

                    S.Rectification = S.Rectification! with { Explanation = explanation, FiledById = actor.UserId, State = to, DecisionComment = null, DecidedBy = null };
                    break;
                }

            case DecideExplanation c:
                {
                    var decision = OpsGrainSupport.Optional(c.Comment);
                    if ((!c.Accepted && decision is null) || !OpsGrainSupport.FitsOptional(c.Comment, MaxText))
                    {
                        return Invalid(Msg.Of("indicator.rejectionCommentRequired", ("max", MaxText)));
                    }

                    S.Rectification = S.Rectification! with { State = to, DecisionComment = decision, DecidedBy = actor.Name };
                    comment = decision;
                    break;
                }

            default:
                return Invalid(Msg.Of("indicator.unknownCommand")
);
        }

        S.Rectification = S.Rectification with { Version = S.Rectification.Version + 1, UpdatedAt = now };
        S.History.Add(new RectificationHistoryEntry(S.Rectification.Version, now, actor.Name, command.Type, from, S.Rectification.State, comment)
        {
            ActorId = actor.UserId == Guid.Empty ? null : actor.UserId,
        });
        _events.Owe(S.Rectification.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Rectification.State.ToString());
        return new RectificationResult(OpsOutcome.Applied, null, S.Rectification.State, RectificationWorkflow.Table.AllowedIn(S.Rectification.State),
            S.Rectification);
    }

    /// <summary>The overdue check runs while the rectification is planned and stops with it.</summary>
    private async Task KeepReminderAsync()
    {
        var planned = S.Rectification?.State == RectificationState.Planned;
        var reminder = await this.GetReminder(OverdueReminder);
        if (planned && reminder is null)
        {
            await this.RegisterOrUpdateReminder(OverdueReminder, CheckEvery, CheckEvery);
        }
        else if (!planned && reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Rectification is not { } r)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordAsync(r, entry, cancellationToken));
        await _journal.RecordAsync(r, null, cancellationToken);
    }

    /// <summary>After activation or a re-read the log may lack any of the history.</summary>
    private void OweHistory()
    {
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[0].Version);
        }
    }

    private DateOnly Today() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(Indicators.IndicatorMonths.TimeZone)).DateTime);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private RectificationResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private RectificationResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Rectification?.State, RectificationWorkflow.Table.AllowedIn(S.Rectification?.State), S.Rectification);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rectification {RectificationId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string rectificationId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rectification {RectificationId}: could not update the read table yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string rectificationId, string reason);
}
