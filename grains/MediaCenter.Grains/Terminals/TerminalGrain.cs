using MediaCenter.Grains.Terminals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.Terminals;

/// <summary>Stored state of a terminal. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.TerminalState")]
public sealed class TerminalState
{
    [Id(0)] public TerminalRegistration? Registration { get; set; }
    [Id(1)] public TerminalHealth Health { get; set; }
    [Id(2)] public DateTimeOffset? HealthSince { get; set; }
    [Id(3)] public DateTimeOffset? LastSeen { get; set; }
    [Id(4)] public TelemetrySample? Telemetry { get; set; }
    [Id(5)] public List<string> DegradedBecause { get; set; } = [];
    [Id(6)] public List<InspectionRecord> Inspections { get; set; } = [];
    [Id(7)] public int FlapCount { get; set; }
    [Id(8)] public DateTimeOffset? LastOfflineAlertAt { get; set; }
    [Id(9)] public DateTimeOffset? LastDegradedAlertAt { get; set; }
    [Id(10)] public long Version { get; set; }
    [Id(11)] public List<string> AppliedOperations { get; set; } = [];
    [Id(12)] public DateTimeOffset? RegisteredAt { get; set; }
    [Id(13)] public List<TerminalCommand> Commands { get; set; } = [];
    [Id(14)] public TerminalActivity? Activity { get; set; }
    [Id(15)] public DateTimeOffset? LastScreenSampleAt { get; set; }
    [Id(16)] public TelemetryBucket? TelemetryBucket { get; set; }
}

/// <summary>
/// One terminal. Heartbeats only move last-seen in memory and re-arm the deadline timer; state is written
/// on health changes and on a checkpoint cadence. The deadline timer fires at last heartbeat + timeout,
/// so a silent terminal is offline at its own deadline, not at the next sweep.
/// </summary>
internal sealed partial class TerminalGrain(
    [PersistentState("terminal", StorageNames.Main)] IPersistentState<TerminalState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IOptions<TerminalOptions> options,
    ITerminalJournal journal,
    ITerminalMetrics metrics,
    ILogger<TerminalGrain> logger) : Grain, ITerminalGrain
{
    private const int RememberedOperations = 100;
    private const int RememberedCommands = 20;

    /// <summary>How long a terminal has to acknowledge a command.</summary>
    internal static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private IGrainTimer? _commandTimeouts;
    private IGrainTimer? _deadline;
    private IGrainTimer? _checkpoint;
    private bool _lastSeenDirty;

    // Since when this activation has been listening: silence before it (a failover, a cluster restart) is not held against
    // the terminal, which is judged a full timeout after it.
    private DateTimeOffset _listeningSince;
    private TimeZoneInfo? _activityZone;

    private string Id => this.GetPrimaryKeyString();

    private TerminalOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _listeningSince = time.GetUtcNow();
        _deadline = this.RegisterGrainTimer(OnDeadlineAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        // Armed only while there is something to write: an idle terminal costs no timer callbacks.
        _checkpoint = this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        _commandTimeouts = this.RegisterGrainTimer(ExpireCommandsAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        ArmCommandTimeouts();
        // After a restart or failover the deadline may have passed while no silo listened: silence then is not the
        // terminal's fault, so it gets a full timeout from now to be heard (the silo's terminal watch wakes it if nothing does).
        ArmDeadline();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_lastSeenDirty)
        {
            await CheckpointAsync(cancellationToken);
        }
    }

    public async Task<TerminalSnapshot> RegisterAsync(TerminalRegistration registration, string operationId)
    {
        if (Applied(operationId))
        {
            return Snapshot();
        }

        Validate(registration);
        state.State.Registration = registration;
        state.State.RegisteredAt ??= time.GetUtcNow();
        state.State.Version++;
        Remember(operationId);
        await state.WriteStateAsync();
        await journal.RecordStateAsync(Snapshot());
        Publish();
        ArmDeadline();
        return Snapshot();
    }

    public async Task ReceiveAsync(IReadOnlyList<TerminalMessage> messages)
    {
        if (state.State.Registration is null)
        {
            LogUnregistered(logger, Id, messages.Count);
            return;
        }

        foreach (var message in messages)
        {
            if (message.Kind == TerminalMessageKind.Ack)
            {
                await AcknowledgeAsync(message);
                continue;
            }

            if (message.Kind == TerminalMessageKind.Disconnected)
            {
                if (state.State.Health is TerminalHealth.Online or TerminalHealth.Degraded)
                {
                    await ChangeHealthAsync(TerminalHealth.Offline, "disconnected", []);
                }

                continue;
            }

            await CountAsync(message);
            if (state.State.LastSeen is null || message.ReceivedAt > state.State.LastSeen)
            {
                state.State.LastSeen = message.ReceivedAt;
                MarkDirty();
            }

            var reasons = state.State.DegradedBecause;
            if (message.Kind == TerminalMessageKind.Telemetry && message.Telemetry is { } sample)
            {
                state.State.Telemetry = sample;
                await AddToBucketAsync(sample, message.ReceivedAt);
                reasons = Degradation(sample);
            }

            var wanted = reasons.Count > 0 ? TerminalHealth.Degraded : TerminalHealth.Online;
            if (state.State.Health != TerminalHealth.Maintenance && (state.State.Health != wanted || !reasons.SequenceEqual(state.State.DegradedBecause)))
            {
                await ChangeHealthAsync(wanted, reasons.Count > 0 ? string.Join(",", reasons) : "heartbeat", reasons);
            }
        }

        ArmDeadline();
        // Applied means: in memory, deadline re-armed (and written, where the health changed).
        var appliedAt = time.GetUtcNow();
        foreach (var message in messages)
        {
            metrics.Applied(message, appliedAt);
        }
    }

    public async Task<TerminalSnapshot> SetMaintenanceAsync(bool on, string operationId)
    {
        RequireRegistered();
        if (!Applied(operationId))
        {
            Remember(operationId);
            if (on && state.State.Health != TerminalHealth.Maintenance)
            {
                await ChangeHealthAsync(TerminalHealth.Maintenance, "maintenance", []);
            }
            else if (!on && state.State.Health == TerminalHealth.Maintenance)
            {
                // Out of maintenance it is offline until its next heartbeat proves otherwise.
                var alive = state.State.LastSeen is { } seen && seen + OfflineTimeout() > time.GetUtcNow();
                await ChangeHealthAsync(alive ? TerminalHealth.Online : TerminalHealth.Offline, "maintenance-ended", [], raiseAlerts: false);
            }
            else
            {
                await state.WriteStateAsync();
            }
        }

        ArmDeadline();
        return Snapshot();
    }

    public async Task<TerminalSnapshot> RecordInspectionAsync(InspectionRecord inspection, string operationId)
    {
        RequireRegistered();
        if (string.IsNullOrWhiteSpace(inspection.Inspector))
        {
            throw new ArgumentException("The inspector is required.", nameof(inspection));
        }

        if (!Applied(operationId))
        {
            state.State.Inspections.Add(inspection);
            state.State.Inspections.Sort((a, b) => a.At.CompareTo(b.At));
            if (state.State.Inspections.Count > 20)
            {
                state.State.Inspections.RemoveRange(0, state.State.Inspections.Count - 20);
            }

            state.State.Version++;
            Remember(operationId);
            await state.WriteStateAsync();
            await journal.RecordStateAsync(Snapshot());
        }

        return Snapshot();
    }

    public async Task<TerminalCommand> SendCommandAsync(TerminalCommandType type, string? text, string operationId)
    {
        RequireRegistered();
        if (Applied(operationId))
        {
            return state.State.Commands.First(c => c.Id == CommandId(operationId));
        }

        if (type == TerminalCommandType.Notice && (string.IsNullOrWhiteSpace(text) || text.Length > 500))
        {
            throw new ArgumentException("A notice needs a text of at most 500 characters.");
        }

        var command = new TerminalCommand(CommandId(operationId), type, text?.Trim(), TerminalCommandStatus.Sent, time.GetUtcNow(), null, null);
        state.State.Commands.Add(command);
        if (state.State.Commands.Count > RememberedCommands)
        {
            state.State.Commands.RemoveRange(0, state.State.Commands.Count - RememberedCommands);
        }

        Remember(operationId);
        state.State.Version++;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ICommandRouterGrain>(0).RouteAsync(Id, command);
        ArmCommandTimeouts();
        return command;
    }

    public Task<TerminalSnapshot> GetAsync() => Task.FromResult(Snapshot());

    // The command id is derived from the caller's operation id, so a retried send is recognised by the terminal too.
    private static string CommandId(string operationId) => "cmd-" + operationId;

    private async Task AcknowledgeAsync(TerminalMessage ack)
    {
        var index = state.State.Commands.FindIndex(c => c.Id == ack.CommandId && c.Status == TerminalCommandStatus.Sent);
        if (index < 0)
        {
            return;
        }

        state.State.Commands[index] = state.State.Commands[index] with
        {
            Status = ack.CommandOk ? TerminalCommandStatus.Acknowledged : TerminalCommandStatus.Failed,
            CompletedAt = ack.ReceivedAt,
            Message = ack.EventType,
        };
        state.State.Version++;
        await state.WriteStateAsync();
        ArmCommandTimeouts();
    }

    private async Task ExpireCommandsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = false;
        for (var i = 0; i < state.State.Commands.Count; i++)
        {
            var command = state.State.Commands[i];
            if (command.Status == TerminalCommandStatus.Sent && now >= command.SentAt + CommandTimeout)
            {
                state.State.Commands[i] = command with { Status = TerminalCommandStatus.TimedOut, CompletedAt = now };
                changed = true;
            }
        }

        if (changed)
        {
            state.State.Version++;
            await state.WriteStateAsync(cancellationToken);
        }

        ArmCommandTimeouts();
    }

    private void ArmCommandTimeouts()
    {
        var next = state.State.Commands.Where(c => c.Status == TerminalCommandStatus.Sent).Select(c => c.SentAt + CommandTimeout).DefaultIfEmpty().Min();
        if (next == default)
        {
            _commandTimeouts?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next - time.GetUtcNow();
        _commandTimeouts?.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private async Task ChangeHealthAsync(TerminalHealth health, string reason, List<string> degradedBecause, bool raiseAlerts = true)
    {
        var now = time.GetUtcNow();
        var previous = state.State.Health;
        state.State.Health = health;
        state.State.HealthSince = now;
        state.State.DegradedBecause = degradedBecause;
        state.State.Version++;

        TerminalEvent? announced = null;
        var partyId = state.State.Registration!.PartyId;
        if (raiseAlerts && health == TerminalHealth.Offline)
        {
            if (state.State.LastOfflineAlertAt is { } last && now - last < Options.FlapWindow)
            {
                // Flapping: the open alert stands; count it instead of raising another.
                state.State.FlapCount++;
            }
            else
            {
                state.State.LastOfflineAlertAt = now;
                announced = new TerminalEvent(Id, partyId, state.State.Version, "terminal.offline", $"terminal:{Id}:offline", now, reason);
            }
        }
        else if (raiseAlerts && health == TerminalHealth.Degraded && previous != TerminalHealth.Degraded)
        {
            if (state.State.LastDegradedAlertAt is not { } last || now - last >= Options.FlapWindow)
            {
                state.State.LastDegradedAlertAt = now;
                announced = new TerminalEvent(Id, partyId, state.State.Version, "terminal.degraded", $"terminal:{Id}:degraded", now, reason);
            }
        }
        else if (previous == TerminalHealth.Offline && health is TerminalHealth.Online or TerminalHealth.Degraded)
        {
            announced = new TerminalEvent(Id, partyId, state.State.Version, "terminal.recovered", $"terminal:{Id}:offline", now, reason);
        }

        await state.WriteStateAsync();
        _lastSeenDirty = false;
        await journal.RecordStateAsync(Snapshot());
        if (announced is not null)
        {
            await journal.RecordEventAsync(announced);
            await ReportIncidentAsync(announced);
        }

        Publish();
    }

    /// <summary>
    /// Offline and degraded alerts open (or count on) the fault's incident; a recovery is noted on it. Best-effort:
    /// the alert itself is already in the event log, and the terminal's health never waits on the incident desk.
    /// </summary>
    private async Task ReportIncidentAsync(TerminalEvent alert)
    {
        try
        {
            var desk = GrainFactory.GetGrain<Incidents.IIncidentDeskGrain>(alert.DedupKey!);
            var name = state.State.Registration!.Name;
            if (alert.Type == "terminal.recovered")
            {
                if (await desk.OpenIncidentAsync() is { } open)
                {
                    await GrainFactory.GetGrain<Incidents.IIncidentGrain>(open).ExecuteAsync(
                        new Incidents.IncidentCommand { Type = Incidents.IncidentCommandType.Comment, Text = $"终端已恢复在线 / the terminal is back: {alert.Reason}" },
                        Incidents.IncidentActor.System, $"{Id}:recovered:{alert.Version}");
                }

                return;
            }

            var offline = alert.Type == "terminal.offline";
            var report = new Incidents.IncidentReport(alert.DedupKey!, Incidents.IncidentSource.Terminal,
                offline ? Incidents.IncidentSeverity.P3 : Incidents.IncidentSeverity.P4,
                offline ? $"终端离线：{name}（{Id}）/ terminal offline" : $"终端降级：{name}（{Id}）/ terminal degraded",
                $"{state.State.Registration.Region} · {alert.Reason}", alert.PartyId, null, "terminal:" + Id, alert.At);
            await desk.ReportAsync(report, Incidents.IncidentActor.System, $"{Id}:{alert.Type}:{alert.Version}");
        }
        catch (Exception ex)
        {
            LogIncidentReportFailed(logger, Id, ex.Message);
        }
    }

    private async Task OnDeadlineAsync(CancellationToken cancellationToken)
    {
        if (state.State.Health is not (TerminalHealth.Online or TerminalHealth.Degraded) || state.State.LastSeen is not { } seen)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (now < Max(seen, _listeningSince) + OfflineTimeout())
        {
            ArmDeadline();
            return;
        }

        // Silence while no gateway delivered anything is the gateway's, not the terminal's: judge it later (bounded).
        if (await IngestDeferralAsync(seen, now) is { } later)
        {
            _deadline?.Change(later - now, Timeout.InfiniteTimeSpan);
            return;
        }

        await ChangeHealthAsync(TerminalHealth.Offline, "missed-heartbeats", []);
    }

    private async Task<DateTimeOffset?> IngestDeferralAsync(DateTimeOffset seen, DateTimeOffset now)
    {
        try
        {
            var presence = await GrainFactory.GetGrain<IIngestPresenceGrain>(IIngestPresenceGrain.Key).GetAsync();
            return presence.Defer(seen, OfflineTimeout(), now, Options.GatewayOutageGrace);
        }
        catch (Exception ex)
        {
            // Without the answer the terminal is judged by its own deadline, as it would be with no gateway information.
            LogPresenceUnavailable(logger, Id, ex.Message);
            return null;
        }
    }

    private void MarkDirty()
    {
        if (!_lastSeenDirty)
        {
            _lastSeenDirty = true;
            _checkpoint?.Change(Options.CheckpointInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (!_lastSeenDirty)
        {
            return;
        }

        _lastSeenDirty = false;
        await state.WriteStateAsync(cancellationToken);
        await journal.RecordStateAsync(Snapshot(), cancellationToken);
        if (state.State.Activity is { } activity)
        {
            await journal.RecordActivityAsync(activity, cancellationToken);
        }

        if (state.State.TelemetryBucket is { } bucket)
        {
            await journal.RecordTelemetryAsync(bucket, cancellationToken);
        }
    }

    // Samples are folded into the current bucket; a sample of a later bucket first stores the finished one.
    private async Task AddToBucketAsync(TelemetrySample sample, DateTimeOffset at)
    {
        var size = Options.TelemetryBucket.Ticks;
        var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % size), TimeSpan.Zero);
        var bucket = state.State.TelemetryBucket;
        if (bucket is null || bucket.Start != start)
        {
            if (bucket is not null)
            {
                await journal.RecordTelemetryAsync(bucket);
            }

            bucket = new TelemetryBucket(Id, start, 0, null, null, null, null, null);
        }

        state.State.TelemetryBucket = bucket.Add(sample);
    }

    // Usage counters for the calendar day (in the configured time zone); a new day first stores the old one.
    private async Task CountAsync(TerminalMessage message)
    {
        // Looked up once per activation: this runs for every message.
        var zone = _activityZone ??= TimeZoneInfo.FindSystemTimeZoneById(Options.ActivityTimeZone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(message.ReceivedAt, zone).DateTime);
        var activity = state.State.Activity;
        if (activity is null || activity.Day != day)
        {
            if (activity is not null)
            {
                await journal.RecordActivityAsync(activity);
            }

            activity = new TerminalActivity(Id, state.State.Registration!.PartyId, day, 0, 0, 0, 0);
        }

        activity = message.Kind switch
        {
            TerminalMessageKind.Heartbeat => activity with { Heartbeats = activity.Heartbeats + 1 },
            TerminalMessageKind.Usage when message.EventType == "session" => activity with { Sessions = activity.Sessions + message.EventCount },
            TerminalMessageKind.Usage => activity with { Interactions = activity.Interactions + message.EventCount },
            _ => activity,
        };

        if (message.Kind == TerminalMessageKind.Telemetry && message.Telemetry?.ScreenOn is { } screenOn)
        {
            // Screen-on time between two samples counts when the later one says "on", at most three heartbeats' worth.
            if (screenOn && state.State.LastScreenSampleAt is { } previous && message.ReceivedAt > previous)
            {
                var span = message.ReceivedAt - previous;
                var cap = state.State.Registration!.HeartbeatInterval * 3;
                activity = activity with { ScreenOnSeconds = activity.ScreenOnSeconds + (int)(span < cap ? span : cap).TotalSeconds };
            }

            state.State.LastScreenSampleAt = message.ReceivedAt;
        }

        state.State.Activity = activity;
        MarkDirty();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void ArmDeadline()
    {
        if (_deadline is null || state.State.Registration is null)
        {
            return;
        }

        if (state.State.Health is TerminalHealth.Online or TerminalHealth.Degraded && state.State.LastSeen is { } seen)
        {
            var due = Max(seen, _listeningSince) + OfflineTimeout() - time.GetUtcNow();
            _deadline.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _deadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private TimeSpan OfflineTimeout() =>
        state.State.Registration!.OfflineTimeout ?? state.State.Registration.HeartbeatInterval * Options.MissedHeartbeats;

    private List<string> Degradation(TelemetrySample sample)
    {
        var limits = Options.For(state.State.Registration!.Kind);
        var reasons = new List<string>();
        if (sample.Cpu > limits.Cpu)
        {
            reasons.Add("cpu");
        }

        if (sample.Memory > limits.Memory)
        {
            reasons.Add("memory");
        }

        if (sample.Disk > limits.Disk)
        {
            reasons.Add("disk");
        }

        if (sample.Temperature > limits.Temperature)
        {
            reasons.Add("temperature");
        }

        if (sample.Errors > limits.Errors)
        {
            reasons.Add("errors");
        }

        return reasons;
    }

    private void Publish()
    {
        var r = state.State.Registration!;
        GrainFactory.GetGrain<IFleetPublisherGrain>(0).EnqueueAsync(
            new TerminalDelta(Id, r.PartyId, r.Region, state.State.Health, state.State.LastSeen, state.State.Version, time.GetUtcNow())).Ignore();
    }

    private TerminalSnapshot Snapshot()
    {
        var s = state.State;
        var lastInspection = s.Inspections.Count > 0 ? s.Inspections[^1].At : (DateTimeOffset?)null;
        var inspectionDue = (lastInspection ?? s.RegisteredAt) + Options.InspectionPeriod;
        DateTimeOffset? deadline = s.Registration is not null && s.Health is TerminalHealth.Online or TerminalHealth.Degraded && s.LastSeen is { } seen
            ? seen + OfflineTimeout()
            : null;
        return new TerminalSnapshot(Id, s.Registration, s.Health, s.LastSeen, s.HealthSince, deadline, s.Telemetry, s.DegradedBecause,
            lastInspection, inspectionDue, s.FlapCount, s.Version, s.Commands.AsEnumerable().Reverse().ToList());
    }

    private bool Applied(string operationId)
    {
        if (string.IsNullOrWhiteSpace(operationId))
        {
            throw new ArgumentException("An operation id is required.", nameof(operationId));
        }

        return state.State.AppliedOperations.Contains(operationId);
    }

    private void Remember(string operationId)
    {
        state.State.AppliedOperations.Add(operationId);
        if (state.State.AppliedOperations.Count > RememberedOperations)
        {
            state.State.AppliedOperations.RemoveRange(0, state.State.AppliedOperations.Count - RememberedOperations);
        }
    }

    private void RequireRegistered()
    {
        if (state.State.Registration is null)
        {
            throw new InvalidOperationException($"Terminal '{Id}' is not registered.");
        }
    }

    private static void Validate(TerminalRegistration r)
    {
        if (string.IsNullOrWhiteSpace(r.Name) || string.IsNullOrWhiteSpace(r.Region) || string.IsNullOrWhiteSpace(r.PartyId))
        {
            throw new ArgumentException("A terminal needs a name, a region and an access party.");
        }

        if (r.HeartbeatInterval < TimeSpan.FromSeconds(1) || r.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("The heartbeat interval must be between 1 second and 1 hour.");
        }

        if (r.OfflineTimeout is { } t && (t < r.HeartbeatInterval || t > TimeSpan.FromDays(1)))
        {
            throw new ArgumentException("The offline timeout must be at least one heartbeat interval and at most a day.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {TerminalId}: could not report the incident: {Reason}")]
    private static partial void LogIncidentReportFailed(ILogger logger, string terminalId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {TerminalId}: could not ask whether gateways are up ({Reason}); judging by its own deadline")]
    private static partial void LogPresenceUnavailable(ILogger logger, string terminalId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Terminal {TerminalId} is not registered; {Count} message(s) ignored")]
    private static partial void LogUnregistered(ILogger logger, string terminalId, int count);
}
