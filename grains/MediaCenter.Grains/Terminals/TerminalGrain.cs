using MediaCenter.Grains.Events;
using MediaCenter.Grains.Platform;
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
    private IGrainTimer? _commandTimeouts;
    private IGrainTimer? _deadline;
    private IGrainTimer? _checkpoint;
    private bool _lastSeenDirty;
    private Task _incidentReports = Task.CompletedTask;

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

        try
        {
            // The alerts this activation raised reach their group before it goes (best-effort, like the reports themselves).
            await _incidentReports.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogIncidentReportFailed(logger, Id, "deactivated before its incident reports were delivered");
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
                await ApplyHealthAsync(HealthSignal.Disconnected, []);
                continue;
            }

            await CountAsync(message);
            if (state.State.LastSeen is null || message.ReceivedAt > state.State.LastSeen)
            {
                state.State.LastSeen = message.ReceivedAt;
                MarkDirty();
            }

            // A message without telemetry keeps the last known degradation.
            IReadOnlyList<string> reasons = state.State.DegradedBecause;
            if (message.Kind == TerminalMessageKind.Telemetry && message.Telemetry is { } sample)
            {
                state.State.Telemetry = sample;
                await AddToBucketAsync(sample, message.ReceivedAt);
                reasons = TerminalHealthRules.Degradation(sample, Options.For(state.State.Registration.Kind));
            }

            await ApplyHealthAsync(reasons.Count > 0 ? HealthSignal.HeardDegraded : HealthSignal.HeardHealthy, reasons);
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
            var heard = state.State.LastSeen is { } seen && seen + OfflineTimeout() > time.GetUtcNow();
            var signal = on ? HealthSignal.MaintenanceOn : heard ? HealthSignal.MaintenanceOffHeard : HealthSignal.MaintenanceOffSilent;
            if (!await ApplyHealthAsync(signal, []))
            {
                // Nothing changed, but the operation id is kept.
                await state.WriteStateAsync();
            }
        }

        ArmDeadline();
        return Snapshot();
    }

    public async Task<TerminalSnapshot> RecordInspectionAsync(InspectionRecord inspection, string operationId)
    {
        RequireRegistered();
        TerminalInspections.Validate(inspection);

        if (!Applied(operationId))
        {
            var s = state.State;
            var (_, due) = TerminalInspections.Schedule(s.Inspections, s.RegisteredAt, Options.InspectionPeriod);
            TerminalInspections.Record(s.Inspections, inspection);
            s.Version++;
            Remember(operationId);
            await state.WriteStateAsync();
            await journal.RecordStateAsync(Snapshot());
            await journal.RecordInspectionAsync(new TerminalInspected
            {
                EntityId = Id,
                Version = s.Version,
                At = time.GetUtcNow(),
                PartyId = s.Registration!.PartyId,
                Application = s.Registration.Application(),
                InspectedAt = inspection.At,
                DueAt = due,
                OnTime = due is not { } d || inspection.At <= d,
                Inspector = inspection.Inspector,
                Passed = inspection.Passed,
            });
        }

        return Snapshot();
    }

    public async Task<TerminalCommand> SendCommandAsync(TerminalCommandType type, string? text, string operationId)
    {
        RequireRegistered();
        if (Applied(operationId))
        {
            return state.State.Commands.First(c => c.Id == TerminalCommands.IdOf(operationId));
        }

        var command = TerminalCommands.Send(state.State.Commands, type, text, operationId, time.GetUtcNow());
        Remember(operationId);
        state.State.Version++;
        await state.WriteStateAsync();
        await GrainFactory.PublishLiveAsync(LiveTopic.Commands, new TerminalCommandIssued(Id, command));
        ArmCommandTimeouts();
        return command;
    }

    public Task<TerminalSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private async Task AcknowledgeAsync(TerminalMessage ack)
    {
        if (!TerminalCommands.Acknowledge(state.State.Commands, ack))
        {
            return;
        }

        state.State.Version++;
        await state.WriteStateAsync();
        ArmCommandTimeouts();
    }

    private async Task ExpireCommandsAsync(CancellationToken cancellationToken)
    {
        if (TerminalCommands.Expire(state.State.Commands, time.GetUtcNow()))
        {
            state.State.Version++;
            await state.WriteStateAsync(cancellationToken);
        }

        ArmCommandTimeouts();
    }

    private void ArmCommandTimeouts()
    {
        if (TerminalCommands.NextTimeout(state.State.Commands) is not { } next)
        {
            _commandTimeouts?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next - time.GetUtcNow();
        _commandTimeouts?.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Applies a health signal as <see cref="TerminalHealthRules"/> decides it; true when the health changed (written, recorded and told).</summary>
    private async Task<bool> ApplyHealthAsync(HealthSignal signal, IReadOnlyList<string> reasons)
    {
        var s = state.State;
        var now = time.GetUtcNow();
        var decision = TerminalHealthRules.Decide(new HealthFacts(s.Health, s.DegradedBecause, s.LastOfflineAlertAt, s.LastDegradedAlertAt, s.FlapCount),
            signal, reasons, now, Options.FlapWindow);
        if (!decision.Changed)
        {
            return false;
        }

        var next = decision.Next;
        var wasUp = s.Health is TerminalHealth.Online or TerminalHealth.Degraded;
        s.Health = next.Health;
        s.HealthSince = now;
        s.DegradedBecause = [.. next.DegradedBecause];
        s.LastOfflineAlertAt = next.LastOfflineAlertAt;
        s.LastDegradedAlertAt = next.LastDegradedAlertAt;
        s.FlapCount = next.FlapCount;
        s.Version++;

        var partyId = s.Registration!.PartyId;
        var application = s.Registration.Application();
        var announced = decision.Alert switch
        {
            HealthAlert.Offline => new TerminalEvent(Id, partyId, s.Version, "terminal.offline", $"terminal:{Id}:offline", now, decision.Reason) { Application = application },
            HealthAlert.Degraded => new TerminalEvent(Id, partyId, s.Version, "terminal.degraded", $"terminal:{Id}:degraded", now, decision.Reason) { Application = application },
            HealthAlert.Recovered => new TerminalEvent(Id, partyId, s.Version, "terminal.recovered", $"terminal:{Id}:offline", now, decision.Reason) { Application = application },
            _ => null,
        };

        await state.WriteStateAsync();
        _lastSeenDirty = false;
        await journal.RecordStateAsync(Snapshot());
        if (announced is not null)
        {
            await journal.RecordEventAsync(announced);
            // A storm's alerts queue at their group: the terminal's health and heartbeats never wait for the incident, and its
            // own reports still arrive in order (each waits for the one before).
            _incidentReports = ReportAfterAsync(_incidentReports, announced);
        }
        else if (wasUp && next.Health == TerminalHealth.Offline)
        {
            // Out again within the flap window: no alert, but a group that lists the terminal as back must see it out again.
            _incidentReports = OutAgainAfterAsync(_incidentReports, now);
        }

        Publish();
        return true;
    }

    /// <summary>
    /// Offline and degraded alerts go to the alert group of their kind, party and region: the first opens the fault's incident
    /// as a single alert always has, others starting within the group window join it (docs/INCIDENTS.md, "Grouping"); a
    /// recovery is marked on the incident that lists the terminal. Best-effort: the alert itself is already in the event log,
    /// and the terminal's health never waits on the incident desk.
    /// </summary>
    private async Task ReportAfterAsync(Task previous, TerminalEvent alert)
    {
        await previous;
        await ReportIncidentAsync(alert);
    }

    private async Task OutAgainAfterAsync(Task previous, DateTimeOffset at)
    {
        await previous;
        try
        {
            var registration = state.State.Registration!;
            if (await Inhibition.OutAgainAsync(registration.PartyId, registration.Region, Id, at))
            {
                return;
            }

            await GrainFactory.GetGrain<Incidents.IAlertGroupGrain>(Incidents.AlertGroups.KeyOf("terminal.offline", registration.PartyId, registration.Application(), registration.Region))
                .OutAgainAsync(new Incidents.IncidentMember(Id, registration.Name, at, null), $"{Id}:out-again:{state.State.Version}");
        }
        catch (Exception ex)
        {
            LogIncidentReportFailed(logger, Id, ex.Message);
        }
    }

    /// <summary>Why the health moved, for people: the alert carries codes (several thresholds comma-separated).</summary>
    private static Msg ReasonText(string? codes) => Msg.List((codes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(code => (object?)(code switch
    {
        "heartbeat" => Msg.Of("terminal.reason.heartbeat"),
        "missed-heartbeats" => Msg.Of("terminal.reason.missedHeartbeats"),
        "disconnected" => Msg.Of("terminal.reason.disconnected"),
        "cpu" => Msg.Of("terminal.reason.cpu"),
        "memory" => Msg.Of("terminal.reason.memory"),
        "disk" => Msg.Of("terminal.reason.disk"),
        "temperature" => Msg.Of("terminal.reason.temperature"),
        "errors" => Msg.Of("terminal.reason.errors"),
        _ => code,
    })));

    private Incidents.IInhibitionGrain Inhibition => GrainFactory.GetGrain<Incidents.IInhibitionGrain>(Incidents.Inhibitions.Registry);

    private async Task ReportIncidentAsync(TerminalEvent alert)
    {
        try
        {
            var registration = state.State.Registration!;
            var name = registration.Name;
            if (alert.Type == "terminal.recovered")
            {
                // Only an outage ends with a recovery alert (see TerminalHealthRules): it goes to the offline group, unless a
                // cause held the outage (then it is only closed out there).
                if (await Inhibition.RecoverAsync(alert.PartyId, registration.Region, Id, alert.At))
                {
                    return;
                }

                await GrainFactory.GetGrain<Incidents.IAlertGroupGrain>(Incidents.AlertGroups.KeyOf("terminal.offline", alert.PartyId, registration.Application(), registration.Region))
                    .RecoverAsync(Id, alert.DedupKey!, Msg.Of("terminal.backOnline", ("reason", ReasonText(alert.Reason))), $"{Id}:recovered:{alert.Version}");
                return;
            }

            var offline = alert.Type == "terminal.offline";
            var report = new Incidents.IncidentReport(alert.DedupKey!, Incidents.IncidentSource.Terminal,
                offline ? Incidents.IncidentSeverity.P3 : Incidents.IncidentSeverity.P4,
                offline ? Msg.Of("terminal.offlineTitle", ("name", name), ("id", Id)) : Msg.Of("terminal.degradedTitle", ("name", name), ("id", Id)),
                Msg.Of("terminal.alertDetail", ("region", registration.Region), ("reason", ReasonText(alert.Reason))), alert.PartyId, null, "terminal:" + Id, alert.At)
            {
                Region = registration.Region,
                Application = registration.Application(),
            };
            var group = GrainFactory.GetGrain<Incidents.IAlertGroupGrain>(Incidents.AlertGroups.KeyOf(alert.Type, alert.PartyId, registration.Application(), registration.Region));

            // Under a known higher cause (maintenance, a platform outage) the alert is held there and pages only if it outlasts it.
            var held = new Incidents.HeldAlert(alert.Type, alert.PartyId, registration.Region, group.GetPrimaryKeyString(),
                new Incidents.IncidentMember(Id, name, alert.At, null), report, $"{Id}:{alert.Type}:{alert.Version}");
            if (await Inhibition.HoldAsync(held) is not null)
            {
                return;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await group.JoinAsync(new Incidents.IncidentMember(Id, name, alert.At, null), report, $"{Id}:{alert.Type}:{alert.Version}");
                    break;
                }
                catch (TimeoutException) when (attempt < 3)
                {
                    // In a storm the group's queue can outlast a call's timeout; the operation id makes the retry count once.
                }
            }
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

        await ApplyHealthAsync(HealthSignal.DeadlinePassed, []);
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

    private async Task AddToBucketAsync(TelemetrySample sample, DateTimeOffset at)
    {
        var folded = TelemetryBuckets.Fold(state.State.TelemetryBucket, sample, at, Options.TelemetryBucket, Id);
        if (folded.Finished is { } finished)
        {
            await journal.RecordTelemetryAsync(finished);
        }

        state.State.TelemetryBucket = folded.Current;
    }

    private async Task CountAsync(TerminalMessage message)
    {
        // Looked up once per activation: this runs for every message.
        var zone = _activityZone ??= TimeZoneInfo.FindSystemTimeZoneById(Options.ActivityTimeZone);
        var lastScreenSampleAt = state.State.LastScreenSampleAt;
        var registration = state.State.Registration!;
        var folded = TerminalActivityCounter.Count(state.State.Activity, message, Id, registration.PartyId, zone, registration.HeartbeatInterval, ref lastScreenSampleAt);
        if (folded.Finished is { } finished)
        {
            await journal.RecordActivityAsync(finished);
        }

        state.State.Activity = folded.Current;
        state.State.LastScreenSampleAt = lastScreenSampleAt;
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

    private void Publish()
    {
        var r = state.State.Registration!;
        GrainFactory.GetGrain<IFleetPublisherGrain>(0).EnqueueAsync(
            new TerminalDelta(Id, r.PartyId, r.Region, state.State.Health, state.State.LastSeen, state.State.Version, time.GetUtcNow())).Ignore();
    }

    private TerminalSnapshot Snapshot()
    {
        var s = state.State;
        var (lastInspection, inspectionDue) = TerminalInspections.Schedule(s.Inspections, s.RegisteredAt, Options.InspectionPeriod);
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
            throw new ArgumentException(Msg.Of("terminal.registrationIncomplete"));
        }

        if (r.HeartbeatInterval < TimeSpan.FromSeconds(1) || r.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException(Msg.Of("terminal.heartbeatRange"));
        }

        if (r.OfflineTimeout is { } t && (t < r.HeartbeatInterval || t > TimeSpan.FromDays(1)))
        {
            throw new ArgumentException(Msg.Of("terminal.offlineTimeoutRange"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {TerminalId}: could not report the incident: {Reason}")]
    private static partial void LogIncidentReportFailed(ILogger logger, string terminalId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {TerminalId}: could not ask whether gateways are up ({Reason}); judging by its own deadline")]
    private static partial void LogPresenceUnavailable(ILogger logger, string terminalId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Terminal {TerminalId} is not registered; {Count} message(s) ignored")]
    private static partial void LogUnregistered(ILogger logger, string terminalId, int count);
}
