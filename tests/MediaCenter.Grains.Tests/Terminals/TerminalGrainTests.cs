using System.Diagnostics;
using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Tests.Terminals;

/// <summary>Terminal health on a fake clock: deadlines, Last Will, flapping, maintenance, degradation, inspections.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TerminalGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static TimeProvider Clock => ClusterFixture.GrainClock;

    private async Task<ITerminalGrain> RegisteredAsync(TimeSpan? timeout = null)
    {
        var terminal = fixture.Grains.GetGrain<ITerminalGrain>("T-" + Guid.NewGuid().ToString("N")[..8]);
        await terminal.RegisterAsync(new TerminalRegistration("大厅自助机", TerminalKind.Kiosk, "市中心", "party-a", Interval, timeout), "register");
        return terminal;
    }

    private static TerminalMessage Heartbeat(ITerminalGrain terminal) =>
        new(terminal.GetPrimaryKeyString(), TerminalMessageKind.Heartbeat, Clock.GetUtcNow(), null, null, 0);

    private static TerminalMessage Telemetry(ITerminalGrain terminal, double cpu) =>
        new(terminal.GetPrimaryKeyString(), TerminalMessageKind.Telemetry, Clock.GetUtcNow(),
            new TelemetrySample(Clock.GetUtcNow(), cpu, 40, 50, 45, true, "2.3.1", 0), null, 0);

    private static async Task<TerminalSnapshot> EventuallyAsync(ITerminalGrain terminal, Func<TerminalSnapshot, bool> done)
    {
        var clock = Stopwatch.StartNew();
        TerminalSnapshot snapshot;
        do
        {
            snapshot = await terminal.GetAsync();
            if (done(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(20);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(5));
        return snapshot;
    }

    [Fact]
    public async Task A_silent_terminal_goes_offline_exactly_at_its_deadline()
    {
        var terminal = await RegisteredAsync();
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        var online = await terminal.GetAsync();
        Assert.Equal(TerminalHealth.Online, online.Health);
        Assert.Equal(online.LastSeen + (Interval * 3), online.Deadline);

        ClusterFixture.GrainClock.Advance(Interval * 3 - TimeSpan.FromMilliseconds(1));
        await Task.Delay(200);
        Assert.Equal(TerminalHealth.Online, (await terminal.GetAsync()).Health);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromMilliseconds(1));
        var offline = await EventuallyAsync(terminal, s => s.Health == TerminalHealth.Offline);
        Assert.Equal(TerminalHealth.Offline, offline.Health);
        Assert.Equal(online.Deadline, offline.HealthSince);
        var alert = Assert.Single(ClusterFixture.Journal.EventsOf(terminal.GetPrimaryKeyString()));
        Assert.Equal("terminal.offline", alert.Type);
        Assert.Equal($"terminal:{terminal.GetPrimaryKeyString()}:offline", alert.DedupKey);
        Assert.Equal("missed-heartbeats", alert.Reason);
    }

    [Fact]
    public async Task Each_applied_message_is_reported_with_its_send_time_once_the_deadline_moved()
    {
        var terminal = await RegisteredAsync();
        var id = terminal.GetPrimaryKeyString();
        var sent = Clock.GetUtcNow() - TimeSpan.FromMilliseconds(40);
        await terminal.ReceiveAsync([Heartbeat(terminal) with { SentAt = sent }, Heartbeat(terminal)]);

        var applied = ClusterFixture.Metrics.AppliedOf(id);
        Assert.Equal(2, applied.Count);
        Assert.Equal(sent, applied[0].Message.SentAt);
        Assert.Null(applied[1].Message.SentAt);
        Assert.All(applied, a => Assert.Equal(Clock.GetUtcNow(), a.AppliedAt));
        Assert.Equal(Clock.GetUtcNow() + (Interval * 3), (await terminal.GetAsync()).Deadline);

        // Messages for a terminal nobody registered are ignored, and so not counted as applied.
        var stranger = fixture.Grains.GetGrain<ITerminalGrain>("T-unregistered-" + Guid.NewGuid().ToString("N")[..6]);
        await stranger.ReceiveAsync([Heartbeat(stranger)]);
        Assert.Empty(ClusterFixture.Metrics.AppliedOf(stranger.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Each_heartbeat_moves_the_deadline_and_a_terminal_setting_overrides_the_default()
    {
        var terminal = await RegisteredAsync(timeout: TimeSpan.FromSeconds(15));
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(10));
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.Equal(TerminalHealth.Online, (await terminal.GetAsync()).Health);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TerminalHealth.Offline, (await EventuallyAsync(terminal, s => s.Health == TerminalHealth.Offline)).Health);
    }

    [Fact]
    public async Task A_last_will_or_disconnect_makes_it_offline_at_once()
    {
        var terminal = await RegisteredAsync();
        await terminal.ReceiveAsync([Heartbeat(terminal)]);

        await terminal.ReceiveAsync([new TerminalMessage(terminal.GetPrimaryKeyString(), TerminalMessageKind.Disconnected, Clock.GetUtcNow(), null, null, 0)]);

        var snapshot = await terminal.GetAsync();
        Assert.Equal(TerminalHealth.Offline, snapshot.Health);
        Assert.Equal("disconnected", ClusterFixture.Journal.EventsOf(terminal.GetPrimaryKeyString()).Single().Reason);
    }

    [Fact]
    public async Task A_flapping_terminal_raises_one_alert_not_a_storm()
    {
        var terminal = await RegisteredAsync();
        var id = terminal.GetPrimaryKeyString();
        for (var i = 0; i < 4; i++)
        {
            await terminal.ReceiveAsync([Heartbeat(terminal)]);
            await terminal.ReceiveAsync([new TerminalMessage(id, TerminalMessageKind.Disconnected, Clock.GetUtcNow(), null, null, 0)]);
            ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(20));
        }

        var events = ClusterFixture.Journal.EventsOf(id);
        Assert.Single(events, e => e.Type == "terminal.offline");
        Assert.Equal(3, (await terminal.GetAsync()).FlapCount);

        // Outside the flap window a new outage is a new alert.
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(6));
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        await terminal.ReceiveAsync([new TerminalMessage(id, TerminalMessageKind.Disconnected, Clock.GetUtcNow(), null, null, 0)]);
        Assert.Equal(2, ClusterFixture.Journal.EventsOf(id).Count(e => e.Type == "terminal.offline"));
    }

    [Fact]
    public async Task Maintenance_silences_alerts_and_ending_it_does_not_raise_one()
    {
        var terminal = await RegisteredAsync();
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        await terminal.SetMaintenanceAsync(true, "maint-on");

        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(10));
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(200);
        Assert.Equal(TerminalHealth.Maintenance, (await terminal.GetAsync()).Health);

        var after = await terminal.SetMaintenanceAsync(false, "maint-off");
        Assert.Equal(TerminalHealth.Offline, after.Health);
        Assert.Empty(ClusterFixture.Journal.EventsOf(terminal.GetPrimaryKeyString()));
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        Assert.Equal(TerminalHealth.Online, (await terminal.GetAsync()).Health);
    }

    [Fact]
    public async Task Telemetry_past_a_threshold_degrades_it_and_recovery_brings_it_back()
    {
        var terminal = await RegisteredAsync();
        await terminal.ReceiveAsync([Telemetry(terminal, cpu: 97)]);
        var degraded = await terminal.GetAsync();
        Assert.Equal(TerminalHealth.Degraded, degraded.Health);
        Assert.Equal(["cpu"], degraded.DegradedBecause);
        Assert.Equal("terminal.degraded", ClusterFixture.Journal.EventsOf(terminal.GetPrimaryKeyString()).Single().Type);

        await terminal.ReceiveAsync([Telemetry(terminal, cpu: 20)]);
        var healthy = await terminal.GetAsync();
        Assert.Equal(TerminalHealth.Online, healthy.Health);
        Assert.Empty(healthy.DegradedBecause);
    }

    [Fact]
    public async Task An_inspection_is_due_six_months_after_the_last_one()
    {
        var terminal = await RegisteredAsync();
        var registered = Clock.GetUtcNow();
        Assert.Equal(registered + TimeSpan.FromDays(182), (await terminal.GetAsync()).InspectionDue);

        var inspectedAt = registered + TimeSpan.FromDays(30);
        var snapshot = await terminal.RecordInspectionAsync(new InspectionRecord(inspectedAt, "李工", "屏幕亮度正常，触控校准", true), "inspect-1");
        Assert.Equal(inspectedAt, snapshot.LastInspectionAt);
        Assert.Equal(inspectedAt + TimeSpan.FromDays(182), snapshot.InspectionDue);

        var again = await terminal.RecordInspectionAsync(new InspectionRecord(inspectedAt, "李工", "重复提交", true), "inspect-1");
        Assert.Equal(snapshot.Version, again.Version);
    }

    [Fact]
    public async Task An_inspection_is_logged_once_with_when_it_was_due_and_whether_it_was_on_time()
    {
        var terminal = await RegisteredAsync();
        var registered = Clock.GetUtcNow();
        var firstDue = registered + TimeSpan.FromDays(182);

        await terminal.RecordInspectionAsync(new InspectionRecord(registered + TimeSpan.FromDays(30), "李工", "正常", true), "inspect-a");
        await terminal.RecordInspectionAsync(new InspectionRecord(registered + TimeSpan.FromDays(30), "李工", "重复提交", true), "inspect-a");
        // The next was due 182 days after the first; made a day late, and failed.
        var late = registered + TimeSpan.FromDays(30 + 183);
        var snapshot = await terminal.RecordInspectionAsync(new InspectionRecord(late, "王工", "触控失灵", false), "inspect-b");

        var logged = ClusterFixture.Journal.InspectionsOf(terminal.GetPrimaryKeyString());
        Assert.Equal(2, logged.Count);
        Assert.Equal((firstDue, true, true, "李工"), (logged[0].DueAt, logged[0].OnTime, logged[0].Passed, logged[0].Inspector));
        Assert.Equal((registered + TimeSpan.FromDays(30 + 182), false, false, late), (logged[1].DueAt, logged[1].OnTime, logged[1].Passed, logged[1].InspectedAt));
        Assert.Equal(snapshot.Version, logged[1].Version);
        Assert.True(logged[0].Version < logged[1].Version);
        Assert.Equal("default", logged[1].Application);
    }

    [Fact]
    public async Task Messages_for_an_unregistered_terminal_change_nothing()
    {
        var terminal = fixture.Grains.GetGrain<ITerminalGrain>("ghost-" + Guid.NewGuid().ToString("N")[..6]);
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        var snapshot = await terminal.GetAsync();
        Assert.Null(snapshot.Registration);
        Assert.Equal(TerminalHealth.Unknown, snapshot.Health);
    }

    [Fact]
    public async Task Registration_is_validated_and_idempotent_per_operation_id()
    {
        var terminal = fixture.Grains.GetGrain<ITerminalGrain>("reg-" + Guid.NewGuid().ToString("N")[..6]);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            terminal.RegisterAsync(new TerminalRegistration("", TerminalKind.Screen, "东区", "party-a", Interval, null), "bad"));

        var first = await terminal.RegisterAsync(new TerminalRegistration("信息屏", TerminalKind.Screen, "东区", "party-a", Interval, null), "op-1");
        var repeat = await terminal.RegisterAsync(new TerminalRegistration("信息屏", TerminalKind.Screen, "东区", "party-a", Interval, null), "op-1");
        Assert.Equal(first.Version, repeat.Version);
    }

    [Fact]
    public async Task A_command_times_out_without_an_acknowledgement_and_an_ack_settles_another()
    {
        var terminal = await RegisteredAsync();
        var id = terminal.GetPrimaryKeyString();
        var unanswered = await terminal.SendCommandAsync(TerminalCommandType.Reboot, null, "reboot-1");
        var answered = await terminal.SendCommandAsync(TerminalCommandType.Notice, "闭馆通知", "notice-1");
        Assert.Equal(TerminalCommandStatus.Sent, unanswered.Status);
        Assert.Equal(unanswered, await terminal.SendCommandAsync(TerminalCommandType.Reboot, null, "reboot-1"));

        await terminal.ReceiveAsync([new TerminalMessage(id, TerminalMessageKind.Ack, Clock.GetUtcNow(), null, "shown", 0, answered.Id, true)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(30));
        var snapshot = await EventuallyAsync(terminal, s => s.Commands!.Any(c => c.Status == TerminalCommandStatus.TimedOut));

        Assert.Equal(TerminalCommandStatus.TimedOut, snapshot.Commands!.Single(c => c.Id == unanswered.Id).Status);
        Assert.Equal(TerminalCommandStatus.Acknowledged, snapshot.Commands!.Single(c => c.Id == answered.Id).Status);
        await Assert.ThrowsAsync<ArgumentException>(() => terminal.SendCommandAsync(TerminalCommandType.Notice, " ", "notice-empty"));
    }

    [Fact]
    public async Task Usage_is_counted_per_calendar_day_and_a_new_day_stores_the_last_one()
    {
        var terminal = await RegisteredAsync();
        var id = terminal.GetPrimaryKeyString();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var local = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var untilMidnight = local.Date.AddDays(1) - local.DateTime;
        if (untilMidnight < TimeSpan.FromMinutes(2))
        {
            ClusterFixture.GrainClock.Advance(untilMidnight + TimeSpan.FromMinutes(1));
            local = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), zone);
            today = DateOnly.FromDateTime(local.DateTime);
            untilMidnight = local.Date.AddDays(1) - local.DateTime;
        }

        await terminal.ReceiveAsync([Heartbeat(terminal), Heartbeat(terminal), Heartbeat(terminal),
            new TerminalMessage(id, TerminalMessageKind.Usage, Clock.GetUtcNow(), null, "session", 1),
            new TerminalMessage(id, TerminalMessageKind.Usage, Clock.GetUtcNow(), null, "interaction", 3),
            Telemetry(terminal, cpu: 20)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(20));
        await terminal.ReceiveAsync([Telemetry(terminal, cpu: 20)]);

        ClusterFixture.GrainClock.Advance(untilMidnight);
        await terminal.ReceiveAsync([Heartbeat(terminal)]);

        var stored = ClusterFixture.Journal.ActivityOf(id, today);
        Assert.NotNull(stored);
        Assert.Equal(3, stored.Heartbeats);
        Assert.Equal(1, stored.Sessions);
        Assert.Equal(3, stored.Interactions);
        Assert.Equal(20, stored.ScreenOnSeconds);
    }

    [Fact]
    public async Task Telemetry_history_is_kept_as_averages_and_peaks_per_bucket()
    {
        var terminal = await RegisteredAsync();
        var id = terminal.GetPrimaryKeyString();
        var now = Clock.GetUtcNow();
        var toNextBucket = TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.FromMinutes(5).Ticks);
        ClusterFixture.GrainClock.Advance(toNextBucket + TimeSpan.FromSeconds(1));

        await terminal.ReceiveAsync([Telemetry(terminal, cpu: 20)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(30));
        await terminal.ReceiveAsync([Telemetry(terminal, cpu: 60)]);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(5));
        await terminal.ReceiveAsync([Telemetry(terminal, cpu: 10)]);

        var first = Assert.Single(ClusterFixture.Journal.TelemetryOf(id));
        Assert.Equal(2, first.Samples);
        Assert.Equal(40, first.CpuAvg);
        Assert.Equal(60, first.CpuMax);
        Assert.Equal(0, first.Start.UtcTicks % TimeSpan.FromMinutes(5).Ticks);
    }
}
