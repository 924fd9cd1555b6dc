using System.Diagnostics;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Terminals;
using MediaCenter.Messages;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>
/// Inhibition on the fake clock: while a maintenance window or a platform alert stands above a region, its terminal alerts
/// are held (no incident, no notification); when the cause ends, those still out page once, as one grouped incident.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InhibitionTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Region = "维护区";
    private static readonly Guid Operator = new("0f000000-0000-0000-0000-0000000000a1");
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "inh");

    // Every test has its own party, so its windows, groups, desks and terminals are its own.
    private readonly string _party = "inh-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _bench.QuiesceAsync();

    private IInhibitionGrain Registry => fixture.Grains.GetGrain<IInhibitionGrain>(Inhibitions.Registry);

    private IAlertGroupGrain Group(string region = Region) =>
        fixture.Grains.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", _party, region));

    private string Terminal(int n) => $"{_party}-t{n:000}";

    /// <summary>Terminal <paramref name="n"/> goes offline now, as a terminal grain reports it: held if a cause covers it, else to its group.</summary>
    private async Task<(string? HeldBy, string? IncidentId)> OfflineAsync(int n, string region = Region)
    {
        var id = Terminal(n);
        var at = IncidentBench.Now;
        var member = new IncidentMember(id, $"屏 {n}", at, null);
        var report = new IncidentReport($"terminal:{id}:offline", IncidentSource.Terminal, IncidentSeverity.P3,
            Msg.Of("terminal.offlineTitle", ("name", $"屏 {n}"), ("id", id)), $"{region} · missed-heartbeats", _party, null, "terminal:" + id, at)
        {
            Region = region,
        };
        var group = Group(region);
        var heldBy = await Registry.HoldAsync(new HeldAlert("terminal.offline", _party, region, group.GetPrimaryKeyString(), member, report, $"{id}:terminal.offline:1"));
        if (heldBy is not null)
        {
            return (heldBy, null);
        }

        var incident = await group.JoinAsync(member, report, $"{id}:terminal.offline:1");
        _bench.Incident(incident);
        return (null, incident);
    }

    private Task<bool> RecoveredAsync(int n) => Registry.RecoverAsync(_party, Region, Terminal(n), IncidentBench.Now);

    private async Task<MaintenanceWindowView> WindowAsync(TimeSpan length, string? region = Region, TimeSpan? startsIn = null)
    {
        var now = IncidentBench.Now;
        var from = now + (startsIn ?? TimeSpan.Zero);
        var grain = fixture.Grains.GetGrain<IMaintenanceWindowGrain>(Guid.NewGuid());
        var result = await grain.ScheduleAsync(new MaintenanceDraft(_party, region, from, from + length, "机房电力改造"), Operator, MaintenanceRole.Operator, "schedule");
        Assert.True(result.Ok, result.Message is null ? null : Text.En(result.Message));
        return startsIn is null ? await StageAsync(grain, MaintenanceStage.Active) : result.Window!;
    }

    private static async Task<MaintenanceWindowView> StageAsync(IMaintenanceWindowGrain grain, MaintenanceStage stage)
    {
        var clock = Stopwatch.StartNew();
        MaintenanceWindowView? window;
        do
        {
            window = await grain.GetAsync();
            if (window?.Stage == stage)
            {
                return window;
            }

            await Task.Delay(25);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Fail($"the window stayed {window?.Stage}, expected {stage}");
        return window!;
    }

    private async Task<InhibitionView> CauseAsync(string causeId, Func<InhibitionView, bool>? done = null)
    {
        var clock = Stopwatch.StartNew();
        InhibitionView? view;
        do
        {
            view = await fixture.Grains.GetGrain<IInhibitionCauseGrain>(causeId).GetAsync();
            if (view is not null && (done?.Invoke(view) ?? true))
            {
                return view;
            }

            await Task.Delay(25);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));
        return view ?? throw new InvalidOperationException($"cause {causeId} never started");
    }

    private async Task<IReadOnlyList<string>> OpenIncidentsAsync(int terminals)
    {
        var open = new List<string>();
        for (var n = 1; n <= terminals; n++)
        {
            if (await fixture.Grains.GetGrain<IIncidentDeskGrain>($"terminal:{Terminal(n)}:offline").OpenIncidentAsync() is { } id)
            {
                open.Add(id);
            }
        }

        return open;
    }

    [Fact]
    public async Task Terminal_alerts_of_a_region_under_maintenance_are_held_under_the_window_without_an_incident_or_a_page()
    {
        var window = await WindowAsync(TimeSpan.FromHours(1));

        var held = new List<string?>();
        for (var n = 1; n <= 5; n++)
        {
            held.Add((await OfflineAsync(n)).HeldBy);
        }

        Assert.All(held, h => Assert.Equal(window.CauseId, h));
        Assert.Null(await Group().CurrentIncidentAsync());
        Assert.Empty(await OpenIncidentsAsync(5));
        var view = await CauseAsync(window.CauseId);
        Assert.Equal((true, 5, 0, 0), (view.Active, view.Held, view.Recovered, view.Released));
        Assert.Equal([.. Enumerable.Range(1, 5).Select(Terminal)], view.Members.Select(m => m.Id));
        Assert.Equal($"{_party} {Region} 维护中：机房电力改造", Text.Zh(view.Cause.Title));
        Assert.Equal($"{Region} of {_party} under maintenance: 机房电力改造", Text.En(view.Cause.Title));

        // Another region of the party is not under the window: its alert pages as before.
        var elsewhere = await OfflineAsync(9, "东区");
        Assert.Null(elsewhere.HeldBy);
        Assert.NotNull(elsewhere.IncidentId);
        Assert.Equal(Terminal(9), Assert.Single((await IncidentBench.ViewAsync(_bench.Incident(elsewhere.IncidentId!))).Group!.Members).Id);

        await fixture.Grains.GetGrain<IMaintenanceWindowGrain>(window.Id).CancelAsync(MaintenanceRole.Operator, "cancel");
    }

    [Fact]
    public async Task A_window_ends_by_itself_at_its_end_and_releases_the_members_still_out_as_one_grouped_incident_while_those_back_are_closed_out()
    {
        var window = await WindowAsync(TimeSpan.FromMinutes(30));
        for (var n = 1; n <= 5; n++)
        {
            await OfflineAsync(n);
        }

        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await RecoveredAsync(2));
        Assert.True(await RecoveredAsync(4));
        var during = await CauseAsync(window.CauseId);
        Assert.Equal((3, 2), (during.Held, during.Recovered));
        Assert.Empty(await OpenIncidentsAsync(5));

        // No one ends it: its own clock does, at its end time.
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(25) + TimeSpan.FromSeconds(1));
        var ended = await StageAsync(fixture.Grains.GetGrain<IMaintenanceWindowGrain>(window.Id), MaintenanceStage.Ended);
        Assert.Equal(window.To, ended.To);
        var after = await CauseAsync(window.CauseId, v => v.Released == 3);
        Assert.Equal((false, 0, 2, 3), (after.Active, after.Held, after.Recovered, after.Released));

        var incidentId = Assert.Single(after.ReleasedTo);
        var incident = await IncidentBench.ViewAsync(_bench.Incident(incidentId));
        var group = Assert.IsType<IncidentGroupView>(incident.Group);
        Assert.Equal([Terminal(1), Terminal(3), Terminal(5)], group.Members.Select(m => m.Id).Order());
        Assert.Equal($"{Region}：3 台终端离线", Text.Zh(incident.Title));
        Assert.Equal($"{Region}: 3 terminals offline", Text.En(incident.Title));
        Assert.Equal([incidentId], (await OpenIncidentsAsync(5)).Distinct());

        // One page per audience for the whole group, not one per terminal.
        var told = await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(incidentId), n => n.Count >= 3);
        Assert.Equal(["ops", "management", "party:" + _party], told.Select(n => n.Audience));
        Assert.Equal([MaintenanceCommandType.Schedule, MaintenanceCommandType.Start, MaintenanceCommandType.End],
            ClusterFixture.Maintenance.MovesOf(window.Id).Select(m => m.Command));

        // The window no longer holds: a new alert of the region joins the released group.
        Assert.Equal(incidentId, (await OfflineAsync(6)).IncidentId);
    }

    [Fact]
    public async Task A_platform_alert_named_as_a_cause_holds_terminal_alerts_while_it_fires_and_its_resolution_releases_those_still_out()
    {
        var cause = new InhibitionCause(Inhibitions.PlatformCause("fp-" + _party), InhibitionCauseKind.PlatformAlert, _party, null,
            Msg.Of("incidents.platformAlert.MediaCenterMqttBrokerDown", ("instance", "gateway:1883")), IncidentBench.Now, null);
        await Registry.StartAsync(cause);
        Assert.Contains(await Registry.ActiveAsync(), c => c.Id == cause.Id);

        Assert.Equal(cause.Id, (await OfflineAsync(1)).HeldBy);
        Assert.Equal(cause.Id, (await OfflineAsync(2, "东区")).HeldBy);
        Assert.Equal(cause.Id, (await OfflineAsync(3)).HeldBy);
        Assert.True(await RecoveredAsync(3));
        Assert.Empty(await OpenIncidentsAsync(3));

        // Alertmanager says "resolved": the cause ends and each region's members still out page once, in their own group.
        await Registry.EndAsync(cause.Id);
        Assert.DoesNotContain(await Registry.ActiveAsync(), c => c.Id == cause.Id);
        var after = await CauseAsync(cause.Id, v => v.Released == 2);
        Assert.Equal((0, 1, 2), (after.Held, after.Recovered, after.Released));
        Assert.Equal(2, after.ReleasedTo.Count);
        Assert.NotNull(await Group().CurrentIncidentAsync());
        Assert.NotNull(await Group("东区").CurrentIncidentAsync());
        Assert.Null(await fixture.Grains.GetGrain<IIncidentDeskGrain>($"terminal:{Terminal(3)}:offline").OpenIncidentAsync());

        // Ending it again changes nothing; a later alert pages as before.
        await Registry.EndAsync(cause.Id);
        Assert.Equal(2, (await CauseAsync(cause.Id)).Released);
        Assert.Null((await OfflineAsync(4)).HeldBy);
    }

    [Fact]
    public async Task A_window_is_checked_when_marked_and_only_its_own_clock_starts_and_ends_it()
    {
        var grain = fixture.Grains.GetGrain<IMaintenanceWindowGrain>(Guid.NewGuid());
        var now = IncidentBench.Now;
        var backwards = await grain.ScheduleAsync(new MaintenanceDraft(_party, Region, now, now - TimeSpan.FromMinutes(1), "检修"), Operator, MaintenanceRole.Operator, "bad");
        Assert.Equal(AlertCentreOutcome.Invalid, backwards.Outcome);
        Assert.Equal(AlertCentreOutcome.Invalid, (await grain.ScheduleAsync(new MaintenanceDraft(_party, Region, now, now + TimeSpan.FromHours(1), " "), Operator,
            MaintenanceRole.Operator, "no-reason")).Outcome);
        Assert.Equal(AlertCentreOutcome.Forbidden, (await grain.ScheduleAsync(new MaintenanceDraft(_party, Region, now, now + TimeSpan.FromHours(1), "检修"), Operator,
            MaintenanceRole.System, "system")).Outcome);

        // Scheduled for later: nothing is held before it starts, and a cancelled window never holds.
        var later = await WindowAsync(TimeSpan.FromHours(1), startsIn: TimeSpan.FromHours(2));
        Assert.Equal(MaintenanceStage.Scheduled, later.Stage);
        Assert.Null((await OfflineAsync(1)).HeldBy);
        var window = fixture.Grains.GetGrain<IMaintenanceWindowGrain>(later.Id);
        var cancelled = await window.CancelAsync(MaintenanceRole.PartyAdmin, "cancel");
        Assert.Equal((true, MaintenanceStage.Cancelled), (cancelled.Ok, cancelled.Stage));
        var repeated = await window.CancelAsync(MaintenanceRole.PartyAdmin, "cancel");
        Assert.Equal((cancelled.Outcome, cancelled.Window!.Version), (repeated.Outcome, repeated.Window!.Version));
        Assert.Equal(AlertCentreOutcome.IllegalMove, (await window.CancelAsync(MaintenanceRole.Operator, "cancel-again")).Outcome);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        await Task.Delay(500);
        Assert.Equal(MaintenanceStage.Cancelled, (await window.GetAsync())!.Stage);
        Assert.DoesNotContain(await Registry.ActiveAsync(), c => c.Id == later.CauseId);
    }

    [Fact]
    public async Task A_real_terminal_going_silent_under_an_active_window_is_held_and_pages_as_a_group_member_when_the_window_is_cancelled()
    {
        var window = await WindowAsync(TimeSpan.FromHours(1));
        var interval = TimeSpan.FromSeconds(10);
        var terminal = fixture.Grains.GetGrain<ITerminalGrain>(Terminal(1));
        await terminal.RegisterAsync(new TerminalRegistration("维护区信息屏", TerminalKind.Screen, Region, _party, interval, null), "register");
        await terminal.ReceiveAsync([new TerminalMessage(Terminal(1), TerminalMessageKind.Heartbeat, IncidentBench.Now, null, null, 0)]);

        ClusterFixture.GrainClock.Advance(interval * 3);
        var held = await CauseAsync(window.CauseId, v => v.Held == 1);
        Assert.Equal(Terminal(1), Assert.Single(held.Members).Id);
        Assert.Equal(TerminalHealth.Offline, (await terminal.GetAsync()).Health);
        Assert.Empty(await OpenIncidentsAsync(1));

        var cancelled = await fixture.Grains.GetGrain<IMaintenanceWindowGrain>(window.Id).CancelAsync(MaintenanceRole.Operator, "cancel");
        Assert.True(cancelled.Ok);
        var released = await CauseAsync(window.CauseId, v => v.Released == 1);
        var incident = await IncidentBench.ViewAsync(_bench.Incident(Assert.Single(released.ReleasedTo)));
        Assert.Equal(Terminal(1), Assert.Single(incident.Group!.Members).Id);
    }
}
