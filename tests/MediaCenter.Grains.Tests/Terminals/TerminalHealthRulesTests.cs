using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Tests.Terminals;

/// <summary>
/// The terminal health table and its decision function, every health × every signal. The expectations are written
/// out here on their own (not read from the table), so a change to the table must change them too.
/// </summary>
public sealed class TerminalHealthRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FlapWindow = TimeSpan.FromMinutes(5);
    private static readonly string[] Cpu = ["cpu"];

    /// <summary>(from, signal) → (to, alert); absent: the signal changes nothing in that health.</summary>
    private static readonly Dictionary<(TerminalHealth, HealthSignal), (TerminalHealth To, HealthAlert Alert)> Expected = new()
    {
        [(TerminalHealth.Unknown, HealthSignal.HeardHealthy)] = (TerminalHealth.Online, HealthAlert.None),
        [(TerminalHealth.Unknown, HealthSignal.HeardDegraded)] = (TerminalHealth.Degraded, HealthAlert.Degraded),
        [(TerminalHealth.Unknown, HealthSignal.MaintenanceOn)] = (TerminalHealth.Maintenance, HealthAlert.None),

        [(TerminalHealth.Online, HealthSignal.HeardDegraded)] = (TerminalHealth.Degraded, HealthAlert.Degraded),
        [(TerminalHealth.Online, HealthSignal.Disconnected)] = (TerminalHealth.Offline, HealthAlert.Offline),
        [(TerminalHealth.Online, HealthSignal.DeadlinePassed)] = (TerminalHealth.Offline, HealthAlert.Offline),
        [(TerminalHealth.Online, HealthSignal.MaintenanceOn)] = (TerminalHealth.Maintenance, HealthAlert.None),

        [(TerminalHealth.Degraded, HealthSignal.HeardHealthy)] = (TerminalHealth.Online, HealthAlert.None),
        [(TerminalHealth.Degraded, HealthSignal.Disconnected)] = (TerminalHealth.Offline, HealthAlert.Offline),
        [(TerminalHealth.Degraded, HealthSignal.DeadlinePassed)] = (TerminalHealth.Offline, HealthAlert.Offline),
        [(TerminalHealth.Degraded, HealthSignal.MaintenanceOn)] = (TerminalHealth.Maintenance, HealthAlert.None),

        [(TerminalHealth.Offline, HealthSignal.HeardHealthy)] = (TerminalHealth.Online, HealthAlert.Recovered),
        [(TerminalHealth.Offline, HealthSignal.HeardDegraded)] = (TerminalHealth.Degraded, HealthAlert.Degraded),
        [(TerminalHealth.Offline, HealthSignal.MaintenanceOn)] = (TerminalHealth.Maintenance, HealthAlert.None),

        [(TerminalHealth.Maintenance, HealthSignal.MaintenanceOffHeard)] = (TerminalHealth.Online, HealthAlert.None),
        [(TerminalHealth.Maintenance, HealthSignal.MaintenanceOffSilent)] = (TerminalHealth.Offline, HealthAlert.None),
    };

    private static (TerminalHealth To, HealthAlert Alert) ExpectedOf(TerminalHealth from, HealthSignal signal) =>
        Expected.TryGetValue((from, signal), out var expected) ? expected : (from, HealthAlert.None);

    public static TheoryData<TerminalHealth, HealthSignal> Pairs()
    {
        var data = new TheoryData<TerminalHealth, HealthSignal>();
        foreach (var health in Enum.GetValues<TerminalHealth>())
        {
            foreach (var signal in Enum.GetValues<HealthSignal>())
            {
                data.Add(health, signal);
            }
        }

        return data;
    }

    /// <summary>A terminal in a health; a degraded one is degraded because of its CPU. No alert was raised lately.</summary>
    private static HealthFacts In(TerminalHealth health, DateTimeOffset? lastOfflineAlert = null, DateTimeOffset? lastDegradedAlert = null) =>
        new(health, health == TerminalHealth.Degraded ? Cpu : [], lastOfflineAlert, lastDegradedAlert, 2);

    private static IReadOnlyList<string> ReasonsFor(HealthSignal signal) => signal == HealthSignal.HeardDegraded ? Cpu : [];

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_signal_in_every_health_moves_and_alerts_as_expected(TerminalHealth from, HealthSignal signal)
    {
        var facts = In(from);

        var decision = TerminalHealthRules.Decide(facts, signal, ReasonsFor(signal), Now, FlapWindow);

        if (Expected.TryGetValue((from, signal), out var expected))
        {
            Assert.True(decision.Changed);
            Assert.Equal(expected.To, decision.Next.Health);
            Assert.Equal(expected.Alert, decision.Alert);
            Assert.Equal(expected.To == TerminalHealth.Degraded ? Cpu : [], decision.Next.DegradedBecause);
            Assert.Equal(expected.Alert == HealthAlert.Offline ? Now : null, decision.Next.LastOfflineAlertAt);
            Assert.Equal(expected.Alert == HealthAlert.Degraded ? Now : null, decision.Next.LastDegradedAlertAt);
            Assert.Equal(facts.FlapCount, decision.Next.FlapCount);
        }
        else
        {
            Assert.False(decision.Changed);
            Assert.Same(facts, decision.Next);
            Assert.Equal(HealthAlert.None, decision.Alert);
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Within_the_flap_window_an_alert_is_not_raised_again_and_going_offline_counts_a_flap(TerminalHealth from, HealthSignal signal)
    {
        var lately = Now - FlapWindow + TimeSpan.FromSeconds(1);
        var facts = In(from, lastOfflineAlert: lately, lastDegradedAlert: lately);

        var decision = TerminalHealthRules.Decide(facts, signal, ReasonsFor(signal), Now, FlapWindow);

        var expected = ExpectedOf(from, signal);
        Assert.Equal(expected.Alert == HealthAlert.Recovered ? HealthAlert.Recovered : HealthAlert.None, decision.Alert);
        Assert.Equal(expected.To, decision.Next.Health);
        Assert.Equal(expected.Alert == HealthAlert.Offline ? facts.FlapCount + 1 : facts.FlapCount, decision.Next.FlapCount);
        Assert.Equal((lately, lately), (decision.Next.LastOfflineAlertAt, decision.Next.LastDegradedAlertAt));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Once_the_flap_window_has_passed_alerts_are_raised_again(TerminalHealth from, HealthSignal signal)
    {
        var past = Now - FlapWindow;
        var facts = In(from, lastOfflineAlert: past, lastDegradedAlert: past);

        var decision = TerminalHealthRules.Decide(facts, signal, ReasonsFor(signal), Now, FlapWindow);

        Assert.Equal(ExpectedOf(from, signal).Alert, decision.Alert);
        Assert.Equal(facts.FlapCount, decision.Next.FlapCount);
    }

    [Fact]
    public void A_degraded_terminal_degraded_for_other_reasons_changes_without_a_new_alert()
    {
        var decision = TerminalHealthRules.Decide(In(TerminalHealth.Degraded), HealthSignal.HeardDegraded, ["disk", "temperature"], Now, FlapWindow);

        Assert.True(decision.Changed);
        Assert.Equal(TerminalHealth.Degraded, decision.Next.Health);
        Assert.Equal(["disk", "temperature"], decision.Next.DegradedBecause);
        Assert.Equal(HealthAlert.None, decision.Alert);
        Assert.Equal("disk,temperature", decision.Reason);
    }

    [Theory]
    [InlineData(HealthSignal.HeardHealthy, "heartbeat")]
    [InlineData(HealthSignal.Disconnected, "disconnected")]
    [InlineData(HealthSignal.DeadlinePassed, "missed-heartbeats")]
    [InlineData(HealthSignal.MaintenanceOn, "maintenance")]
    public void A_change_says_why(HealthSignal signal, string reason)
    {
        var from = signal == HealthSignal.HeardHealthy ? TerminalHealth.Offline : TerminalHealth.Online;

        Assert.Equal(reason, TerminalHealthRules.Decide(In(from), signal, [], Now, FlapWindow).Reason);
        Assert.Equal("maintenance-ended", TerminalHealthRules.Decide(In(TerminalHealth.Maintenance), HealthSignal.MaintenanceOffSilent, [], Now, FlapWindow).Reason);
        Assert.Equal("cpu", TerminalHealthRules.Decide(In(TerminalHealth.Online), HealthSignal.HeardDegraded, Cpu, Now, FlapWindow).Reason);
    }

    [Fact]
    public void A_degraded_signal_without_reasons_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => TerminalHealthRules.Decide(In(TerminalHealth.Online), HealthSignal.HeardDegraded, [], Now, FlapWindow));
    }

    [Fact]
    public void The_table_has_one_move_per_health_and_signal_and_lists_exactly_the_expected_ones()
    {
        Assert.Equal(TerminalHealthRules.Moves.Count, TerminalHealthRules.Moves.DistinctBy(m => (m.From, m.Signal)).Count());
        Assert.Equal(Expected.Keys.Append((TerminalHealth.Degraded, HealthSignal.HeardDegraded)).Order(),
            TerminalHealthRules.Moves.Select(m => (m.From, m.Signal)).Order());
    }

    [Theory]
    [InlineData(91, 40, 50, 45, 0, "cpu")]
    [InlineData(10, 91, 50, 45, 0, "memory")]
    [InlineData(10, 40, 96, 45, 0, "disk")]
    [InlineData(10, 40, 50, 76, 0, "temperature")]
    [InlineData(10, 40, 50, 45, 11, "errors")]
    [InlineData(90, 90, 95, 75, 10, "")]
    [InlineData(99, 99, 99, 99, 99, "cpu,memory,disk,temperature,errors")]
    public void Telemetry_past_a_threshold_degrades_and_at_the_threshold_does_not(double cpu, double memory, double disk, double temperature, int errors, string reasons)
    {
        var sample = new TelemetrySample(Now, cpu, memory, disk, temperature, true, "1.0", errors);

        Assert.Equal(reasons, string.Join(",", TerminalHealthRules.Degradation(sample, new DegradationThresholds())));
    }
}
