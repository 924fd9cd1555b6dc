namespace MediaCenter.Grains.Terminals;

/// <summary>What can happen to a terminal's health.</summary>
public enum HealthSignal
{
    /// <summary>A message arrived and its telemetry (or the last known) is within every threshold.</summary>
    HeardHealthy,

    /// <summary>A message arrived and telemetry is past a threshold (the reasons travel with the signal).</summary>
    HeardDegraded,

    /// <summary>The terminal's connection was lost (cleanly or by Last Will).</summary>
    Disconnected,

    /// <summary>No heartbeat by the deadline (and the silence is the terminal's, not a gateway outage's).</summary>
    DeadlinePassed,

    /// <summary>Staff put the terminal into maintenance.</summary>
    MaintenanceOn,

    /// <summary>Staff took it out of maintenance and it was heard within its timeout.</summary>
    MaintenanceOffHeard,

    /// <summary>Staff took it out of maintenance and it has been silent longer than its timeout.</summary>
    MaintenanceOffSilent,
}

/// <summary>The alert a health change raises (before flapping is taken into account).</summary>
public enum HealthAlert
{
    /// <summary>None.</summary>
    None,

    /// <summary>terminal.offline.</summary>
    Offline,

    /// <summary>terminal.degraded.</summary>
    Degraded,

    /// <summary>terminal.recovered (closes the offline alert's fault).</summary>
    Recovered,
}

/// <summary>One row of the health table: in <see cref="From"/>, <see cref="Signal"/> moves health to <see cref="To"/> and raises <see cref="Alert"/>.</summary>
/// <param name="Reason">Why, as recorded with the health; null: the degradation reasons.</param>
public sealed record HealthMove(TerminalHealth From, HealthSignal Signal, TerminalHealth To, HealthAlert Alert, string? Reason);

/// <summary>The health-relevant part of a terminal's state.</summary>
public sealed record HealthFacts(
    TerminalHealth Health,
    IReadOnlyList<string> DegradedBecause,
    DateTimeOffset? LastOfflineAlertAt,
    DateTimeOffset? LastDegradedAlertAt,
    int FlapCount);

/// <summary>What a signal does: the facts after it, whether health changed (to be written and told), and the alert to raise.</summary>
public sealed record HealthDecision(HealthFacts Next, bool Changed, string Reason, HealthAlert Alert);

/// <summary>
/// A terminal's health as data: <see cref="Moves"/> lists every (health, signal) pair that changes something;
/// any other pair changes nothing. <see cref="Decide"/> is the pure function the terminal grain applies; an alert
/// repeated within the flap window is not raised again (an offline one is counted as a flap instead).
/// </summary>
public static class TerminalHealthRules
{
    private const TerminalHealth Unknown = TerminalHealth.Unknown;
    private const TerminalHealth Online = TerminalHealth.Online;
    private const TerminalHealth Degraded = TerminalHealth.Degraded;
    private const TerminalHealth Offline = TerminalHealth.Offline;
    private const TerminalHealth Maintenance = TerminalHealth.Maintenance;

    /// <summary>Every move. Degraded → Degraded is a move only when the reasons differ.</summary>
    public static IReadOnlyList<HealthMove> Moves { get; } =
    [
        new(Unknown, HealthSignal.HeardHealthy, Online, HealthAlert.None, "heartbeat"),
        new(Unknown, HealthSignal.HeardDegraded, Degraded, HealthAlert.Degraded, null),
        new(Unknown, HealthSignal.MaintenanceOn, Maintenance, HealthAlert.None, "maintenance"),

        new(Online, HealthSignal.HeardDegraded, Degraded, HealthAlert.Degraded, null),
        new(Online, HealthSignal.Disconnected, Offline, HealthAlert.Offline, "disconnected"),
        new(Online, HealthSignal.DeadlinePassed, Offline, HealthAlert.Offline, "missed-heartbeats"),
        new(Online, HealthSignal.MaintenanceOn, Maintenance, HealthAlert.None, "maintenance"),

        new(Degraded, HealthSignal.HeardHealthy, Online, HealthAlert.None, "heartbeat"),
        new(Degraded, HealthSignal.HeardDegraded, Degraded, HealthAlert.None, null),
        new(Degraded, HealthSignal.Disconnected, Offline, HealthAlert.Offline, "disconnected"),
        new(Degraded, HealthSignal.DeadlinePassed, Offline, HealthAlert.Offline, "missed-heartbeats"),
        new(Degraded, HealthSignal.MaintenanceOn, Maintenance, HealthAlert.None, "maintenance"),

        new(Offline, HealthSignal.HeardHealthy, Online, HealthAlert.Recovered, "heartbeat"),
        // Back but past a threshold: the degraded alert says both (and, within the flap window, nothing is raised).
        new(Offline, HealthSignal.HeardDegraded, Degraded, HealthAlert.Degraded, null),
        new(Offline, HealthSignal.MaintenanceOn, Maintenance, HealthAlert.None, "maintenance"),

        // Out of maintenance it is offline until a heartbeat proves otherwise; leaving maintenance raises nothing.
        new(Maintenance, HealthSignal.MaintenanceOffHeard, Online, HealthAlert.None, "maintenance-ended"),
        new(Maintenance, HealthSignal.MaintenanceOffSilent, Offline, HealthAlert.None, "maintenance-ended"),
    ];

    /// <summary>The move for a signal in a health, or null when the signal changes nothing there.</summary>
    public static HealthMove? Find(TerminalHealth from, HealthSignal signal) => Moves.FirstOrDefault(m => m.From == from && m.Signal == signal);

    /// <summary>Decides what a signal does to a terminal's health.</summary>
    /// <param name="facts">The health part of the state now.</param>
    /// <param name="signal">What happened.</param>
    /// <param name="reasons">For <see cref="HealthSignal.HeardDegraded"/>: the thresholds passed (not empty).</param>
    /// <param name="now">The grains' clock.</param>
    /// <param name="flapWindow">An alert of the same kind within this window is not raised again.</param>
    public static HealthDecision Decide(HealthFacts facts, HealthSignal signal, IReadOnlyList<string> reasons, DateTimeOffset now, TimeSpan flapWindow)
    {
        if (signal == HealthSignal.HeardDegraded && reasons.Count == 0)
        {
            throw new ArgumentException("A degraded signal carries the thresholds passed.", nameof(reasons));
        }

        var move = Find(facts.Health, signal);
        var degradedBecause = signal == HealthSignal.HeardDegraded ? reasons : [];
        if (move is null || (move.From == move.To && degradedBecause.SequenceEqual(facts.DegradedBecause)))
        {
            return new HealthDecision(facts, false, "", HealthAlert.None);
        }

        var next = facts with { Health = move.To, DegradedBecause = [.. degradedBecause] };
        var alert = move.Alert;
        switch (alert)
        {
            case HealthAlert.Offline when facts.LastOfflineAlertAt is { } last && now - last < flapWindow:
                // Flapping: the open alert stands; count it instead of raising another.
                next = next with { FlapCount = facts.FlapCount + 1 };
                alert = HealthAlert.None;
                break;
            case HealthAlert.Offline:
                next = next with { LastOfflineAlertAt = now };
                break;
            case HealthAlert.Degraded when facts.LastDegradedAlertAt is { } last && now - last < flapWindow:
                alert = HealthAlert.None;
                break;
            case HealthAlert.Degraded:
                next = next with { LastDegradedAlertAt = now };
                break;
        }

        return new HealthDecision(next, true, move.Reason ?? string.Join(",", degradedBecause), alert);
    }

    /// <summary>The thresholds a telemetry sample passes (empty: healthy).</summary>
    public static List<string> Degradation(TelemetrySample sample, DegradationThresholds limits)
    {
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
}
