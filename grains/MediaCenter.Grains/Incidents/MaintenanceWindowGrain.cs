using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.Incidents;

/// <summary>Where maintenance windows leave the grains: the read table and the journal of their moves (PostgreSQL on the silo).</summary>
public interface IMaintenanceJournal
{
    /// <summary>Writes the window's row and the journal line of the move that made this version (idempotent per version).</summary>
    Task RecordAsync(MaintenanceWindowView window, MaintenanceCommandType command, string operationId, CancellationToken cancellationToken = default);
}

/// <summary>Stored state of a maintenance window. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.MaintenanceWindowState")]
public sealed class MaintenanceWindowState
{
    [Id(0)] public MaintenanceWindowView? Window { get; set; }
    [Id(1)] public List<AppliedOperation<MaintenanceResult>> Applied { get; set; } = [];

    /// <summary>The inhibition cause agrees with the stage (started while active, ended after); false until it was told.</summary>
    [Id(2)] public bool CauseInStep { get; set; }
}

/// <summary>
/// A region (or all regions of a party) under maintenance. Commands run through the command pipeline against
/// <see cref="MaintenanceWorkflow"/>; the window starts and ends by itself at its times (a timer on the grain clock, backed
/// by a reminder while it is scheduled or active), and while active it is an inhibition cause: terminal alerts of its scope
/// are held under it (docs/INCIDENTS.md, "Inhibition").
/// </summary>
internal sealed partial class MaintenanceWindowGrain : Grain, IMaintenanceWindowGrain, IRemindable
{
    internal const string Reminder = "maintenance";
    private const int MaxReason = 200;
    private const int MaxRegion = 100;
    private static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    private readonly IPersistentState<MaintenanceWindowState> _state;
    private readonly TimeProvider _time;
    private readonly IMaintenanceJournal _journal;
    private readonly IOptions<ReminderOptions> _reminders;
    private readonly ILogger<MaintenanceWindowGrain> _logger;
    private readonly CommandPipeline<MaintenanceWindowState, MaintenanceStage, MaintenanceCommandType, MaintenanceRole, MaintenanceResult> _pipeline;
    private IGrainTimer? _timer;

    public MaintenanceWindowGrain(
        [PersistentState("maintenance-window", StorageNames.Main)] IPersistentState<MaintenanceWindowState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IMaintenanceJournal journal,
        IOptions<ReminderOptions> reminders,
        Orleans.Serialization.DeepCopier<MaintenanceWindowState> copier,
        ILogger<MaintenanceWindowGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _reminders = reminders;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<MaintenanceWindowState, MaintenanceStage, MaintenanceCommandType, MaintenanceRole, MaintenanceResult>
        {
            Table = MaintenanceWorkflow.Transitions,
            StageOf = s => s.Window?.Stage,
            Operations = OperationMemory<MaintenanceWindowState, MaintenanceResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
                (id, result) => new AppliedOperation<MaintenanceResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(refusal switch
            {
                WorkflowRefusal.NotFound => AlertCentreOutcome.NotFound,
                WorkflowRefusal.IllegalMove => AlertCentreOutcome.IllegalMove,
                WorkflowRefusal.Forbidden => AlertCentreOutcome.Forbidden,
                _ => AlertCentreOutcome.Invalid,
            }, message),
            NotFoundMessage = Msg.Of("incidents.maintenance.notFound"),
        });
    }

    private MaintenanceWindowState S => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        await TickAsync(cancellationToken);
    }

    public Task<MaintenanceWindowView?> GetAsync() => Task.FromResult(S.Window);

    public Task<MaintenanceResult> ScheduleAsync(MaintenanceDraft draft, Guid by, MaintenanceRole roles, string operationId) =>
        RunAsync(MaintenanceCommandType.Schedule, roles, operationId, () =>
        {
            var reason = draft.Reason?.Trim() ?? "";
            var region = string.IsNullOrWhiteSpace(draft.Region) ? null : draft.Region.Trim();
            var now = _time.GetUtcNow();
            if (string.IsNullOrWhiteSpace(draft.PartyId))
            {
                return Invalid(Msg.Of("incidents.maintenance.partyRequired"));
            }

            if (reason.Length is 0 or > MaxReason || region?.Length > MaxRegion)
            {
                return Invalid(Msg.Of("incidents.maintenance.reasonRequired", ("max", MaxReason)));
            }

            var from = draft.From ?? now;
            if (draft.To <= from || draft.To <= now || draft.To - from > MaxLength)
            {
                return Invalid(Msg.Of("incidents.maintenance.badTimes", ("days", (int)MaxLength.TotalDays)));
            }

            S.Window = new MaintenanceWindowView(this.GetPrimaryKey(), draft.PartyId.Trim(), region, from, draft.To, reason,
                MaintenanceStage.Scheduled, by, now, null, 0);
            return Applied();
        });

    public Task<MaintenanceResult> CancelAsync(MaintenanceRole roles, string operationId) =>
        RunAsync(MaintenanceCommandType.Cancel, roles, operationId, () =>
        {
            S.Window = S.Window! with { Stage = MaintenanceStage.Cancelled, EndedAt = _time.GetUtcNow() };
            return Applied();
        });

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Reminder)
        {
            await TickAsync(CancellationToken.None);
        }
    }

    /// <summary>One command: decided on the state, recorded in the journal and the read table, written, then the cause told.</summary>
    private Task<MaintenanceResult> RunAsync(MaintenanceCommandType command, MaintenanceRole roles, string operationId, Func<MaintenanceResult> decide) =>
        _pipeline.ExecuteAsync(new WorkflowCall<MaintenanceStage, MaintenanceCommandType, MaintenanceRole, MaintenanceResult>
        {
            OperationId = operationId,
            Command = command,
            Roles = () => roles,
            Decide = async _ =>
            {
                var result = decide();
                if (!result.Ok)
                {
                    return result;
                }

                S.Window = S.Window! with { Version = S.Window.Version + 1 };
                S.CauseInStep = S.Window.Stage == MaintenanceStage.Scheduled;
                await _journal.RecordAsync(S.Window, command, operationId);
                return Applied();
            },
            AfterWrite = async _ =>
            {
                LogMoved(_logger, this.GetPrimaryKey(), S.Window!.Stage);
                await TickAsync(CancellationToken.None);
            },
        });

    /// <summary>
    /// Moves the window on when its time has come, keeps the inhibition cause in step with the stage, and arms the timer for
    /// the next time (the reminder stands in for the timer after a restart).
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (S.Window is not { } window)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (window.Stage == MaintenanceStage.Scheduled && now >= window.From)
        {
            await RunAsync(MaintenanceCommandType.Start, MaintenanceRole.System, $"start:{window.From.UtcTicks}", () =>
            {
                S.Window = S.Window! with { Stage = MaintenanceStage.Active };
                return Applied();
            });
            return;
        }

        if (window.Stage == MaintenanceStage.Active && now >= window.To)
        {
            await RunAsync(MaintenanceCommandType.End, MaintenanceRole.System, $"end:{window.To.UtcTicks}", () =>
            {
                S.Window = S.Window! with { Stage = MaintenanceStage.Ended, EndedAt = _time.GetUtcNow() };
                return Applied();
            });
            return;
        }

        if (!S.CauseInStep)
        {
            var registry = GrainFactory.GetGrain<IInhibitionGrain>(Inhibitions.Registry);
            if (window.Stage == MaintenanceStage.Active)
            {
                await registry.StartAsync(new InhibitionCause(window.CauseId, InhibitionCauseKind.Maintenance, window.PartyId, window.Region,
                    window.Region is null
                        ? Msg.Of("incidents.maintenance.causeParty", ("party", window.PartyId), ("reason", window.Reason))
                        : Msg.Of("incidents.maintenance.causeRegion", ("party", window.PartyId), ("region", window.Region), ("reason", window.Reason)),
                    window.From, null));
            }
            else if (window.Stage is MaintenanceStage.Ended or MaintenanceStage.Cancelled)
            {
                // Never started (cancelled while scheduled) or ended: ending an unknown cause is a no-op.
                await registry.EndAsync(window.CauseId);
            }

            S.CauseInStep = true;
            await _state.WriteStateAsync();
        }

        var next = window.Stage switch
        {
            MaintenanceStage.Scheduled => window.From,
            MaintenanceStage.Active => window.To,
            _ => (DateTimeOffset?)null,
        };
        if (next is { } due)
        {
            var wait = due - now;
            _timer?.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        await KeepReminderAsync(next is not null);
    }

    private async Task KeepReminderAsync(bool waiting)
    {
        var existing = await this.GetReminder(Reminder);
        if (waiting && existing is null)
        {
            var period = _reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? _reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
            await this.RegisterOrUpdateReminder(Reminder, period, period);
        }
        else if (!waiting && existing is not null)
        {
            await this.UnregisterReminder(existing);
        }
    }

    private MaintenanceResult Applied() =>
        new(AlertCentreOutcome.Applied, null, S.Window?.Stage, MaintenanceWorkflow.Transitions.AllowedIn(S.Window?.Stage), S.Window);

    private MaintenanceResult Invalid(string message) => Refuse(AlertCentreOutcome.Invalid, message);

    private MaintenanceResult Refuse(AlertCentreOutcome outcome, string message) =>
        new(outcome, message, S.Window?.Stage, MaintenanceWorkflow.Transitions.AllowedIn(S.Window?.Stage), S.Window);

    [LoggerMessage(Level = LogLevel.Information, Message = "Maintenance window {WindowId}: {Stage}")]
    private static partial void LogMoved(ILogger logger, Guid windowId, MaintenanceStage stage);
}
