using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Terminals;
using MediaCenter.Messages;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>Alert storms on the fake clock: one incident per group window, members listed live, counts paged at a bounded rate.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentGroupingTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Region = "演示区";
    private static readonly IncidentGroupingOptions Defaults = new();
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "igrp");

    // Every test has its own party, so its group, desks and terminals are its own.
    private readonly string _party = "igrp-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _bench.QuiesceAsync();

    private IAlertGroupGrain Group => fixture.Grains.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", _party, Region));

    private string Terminal(int n) => $"{_party}-t{n:000}";

    /// <summary>Terminal <paramref name="n"/> goes offline now (or at <paramref name="since"/>), as a terminal grain reports it.</summary>
    private async Task<string> OfflineAsync(int n, DateTimeOffset? since = null, int version = 1)
    {
        var id = Terminal(n);
        var at = since ?? IncidentBench.Now;
        var report = new IncidentReport($"terminal:{id}:offline", IncidentSource.Terminal, IncidentSeverity.P3, Msg.Of("terminal.offlineTitle", ("name", $"屏 {n}"), ("id", id)),
            $"{Region} · missed-heartbeats", _party, null, "terminal:" + id, at)
        {
            Region = Region,
        };
        var incidentId = await Group.JoinAsync(new IncidentMember(id, $"屏 {n}", at, null), report, $"{id}:terminal.offline:{version}");
        _bench.Incident(incidentId);
        return incidentId;
    }

    private Task RecoveredAsync(int n, int version = 2) =>
        Group.RecoverAsync(Terminal(n), $"terminal:{Terminal(n)}:offline", Msg.Of("terminal.backOnline", ("reason", Msg.Of("terminal.reason.heartbeat"))), $"{Terminal(n)}:recovered:{version}");

    private static List<IncidentNotification> Told(string id, string kind) =>
        [.. ClusterFixture.Incidents.NotificationsOf(id).Where(n => n.Kind == kind)];

    [Fact]
    public async Task A_group_of_an_application_other_than_the_default_names_it_in_its_title()
    {
        var group = fixture.Grains.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", _party, "kiosk", Region));
        var incidents = new List<string>();
        for (var n = 1; n <= 2; n++)
        {
            var id = $"{_party}-k{n}";
            var report = new IncidentReport($"terminal:{id}:offline", IncidentSource.Terminal, IncidentSeverity.P3,
                Msg.Of("terminal.offlineTitle", ("name", $"亭 {n}"), ("id", id)), $"{Region} · missed-heartbeats", _party, null, "terminal:" + id, IncidentBench.Now)
            {
                Region = Region,
                Application = "kiosk",
            };
            incidents.Add(await group.JoinAsync(new IncidentMember(id, $"亭 {n}", IncidentBench.Now, null), report, $"{id}:terminal.offline:1"));
        }

        var view = await IncidentBench.ViewAsync(_bench.Incident(Assert.Single(incidents.Distinct())));
        Assert.Equal($"{Region}（接入应用 kiosk）：2 台终端离线", Text.Zh(view.Title));
        Assert.Equal($"{Region} (application kiosk): 2 terminals offline", Text.En(view.Title));
    }

    [Fact]
    public async Task Terminals_of_one_party_and_region_going_out_within_the_window_become_one_incident_listing_each_member()
    {
        var first = await OfflineAsync(1);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(3));
        var ids = new List<string> { first };
        for (var n = 2; n <= 5; n++)
        {
            ids.Add(await OfflineAsync(n));
        }

        Assert.All(ids, id => Assert.Equal(first, id));
        var view = await IncidentBench.ViewAsync(_bench.Incident(first));
        var group = Assert.IsType<IncidentGroupView>(view.Group);
        Assert.Equal([.. Enumerable.Range(1, 5).Select(Terminal)], group.Members.Select(m => m.Id));
        Assert.Equal((5, 0, false), (group.Active, group.Recovered, group.ResolutionProposed));
        Assert.Equal($"{Region}：5 台终端离线", Text.Zh(view.Title));
        Assert.Equal($"{Region}: 5 terminals offline", Text.En(view.Title));
        Assert.Equal(IncidentSeverity.P3, view.Severity);

        // The timeline reads the report and one running line of the members joining, not a line per terminal.
        Assert.Equal([IncidentCommandType.Report, IncidentCommandType.JoinGroup], view.Timeline.Select(e => e.Command));
        Assert.Contains("共 5 台", Text.Zh(view.Timeline[^1].Text), StringComparison.Ordinal);
        Assert.Contains("5 members", Text.En(view.Timeline[^1].Text), StringComparison.Ordinal);

        // One notification per audience, the report's: the members joined within the update interval.
        await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(first), n => n.Count >= 3);
        Assert.Equal(["ops", "management", "party:" + _party], ClusterFixture.Incidents.NotificationsOf(first).Select(n => n.Audience));
        Assert.All(ClusterFixture.Incidents.NotificationsOf(first), n => Assert.Equal("incident.reported", n.Kind));
    }

    [Fact]
    public async Task A_late_joiner_within_the_window_of_the_latest_member_joins_and_one_after_it_opens_an_incident_of_its_own()
    {
        var start = IncidentBench.Now;
        var first = await OfflineAsync(1, start);
        Assert.Equal(first, await OfflineAsync(2, start + TimeSpan.FromSeconds(20)));

        // The window runs from the latest member: 45 s after the first is 25 s after the second.
        Assert.Equal(first, await OfflineAsync(3, start + TimeSpan.FromSeconds(45)));
        var alone = await OfflineAsync(4, start + TimeSpan.FromSeconds(45) + Defaults.Window + TimeSpan.FromSeconds(1));

        Assert.NotEqual(first, alone);
        Assert.Equal(3, (await IncidentBench.ViewAsync(_bench.Incident(first))).Group!.Members.Count);
        var single = await IncidentBench.ViewAsync(_bench.Incident(alone));
        Assert.Equal(Terminal(4), Assert.Single(single.Group!.Members).Id);
        Assert.Equal("终端离线：屏 4（" + Terminal(4) + "）", Text.Zh(single.Title));
        Assert.Equal(alone, await Group.CurrentIncidentAsync());
    }

    [Fact]
    public async Task A_repeated_report_of_a_member_is_counted_once_per_operation_id()
    {
        var first = await OfflineAsync(1);
        await OfflineAsync(2);
        var before = await IncidentBench.ViewAsync(_bench.Incident(first));

        Assert.Equal(first, await OfflineAsync(2));

        var after = await IncidentBench.ViewAsync(_bench.Incident(first));
        Assert.Equal((before.Version, before.Occurrences, 2), (after.Version, after.Occurrences, after.Group!.Members.Count));
    }

    [Fact]
    public async Task Each_member_recovers_on_its_own_and_when_all_are_back_the_incident_proposes_resolution_without_resolving()
    {
        var id = await OfflineAsync(1);
        await OfflineAsync(2);
        await OfflineAsync(3);
        var incident = _bench.Incident(id);

        await RecoveredAsync(1);
        await RecoveredAsync(3);
        var partly = (await IncidentBench.ViewAsync(incident)).Group!;
        Assert.Equal((1, 2, false), (partly.Active, partly.Recovered, partly.ResolutionProposed));
        Assert.Equal([false, true], partly.Members.Where(m => m.Id != Terminal(1)).Select(m => m.Recovered));
        Assert.NotNull(partly.Members.Single(m => m.Id == Terminal(1)).RecoveredAt);

        await RecoveredAsync(2);
        var back = await IncidentBench.ViewAsync(incident);
        Assert.Equal((0, 3, true), (back.Group!.Active, back.Group.Recovered, back.Group.ResolutionProposed));
        Assert.Equal(IncidentStage.Reported, back.Stage);
        Assert.Contains("建议解决", Text.Zh(back.Timeline[^1].Text), StringComparison.Ordinal);
        Assert.Contains("resolution proposed", Text.En(back.Timeline[^1].Text), StringComparison.Ordinal);

        // One goes out again: the proposal is withdrawn and the member is out again on the same incident.
        Assert.Equal(id, await OfflineAsync(2, version: 3));
        var again = (await IncidentBench.ViewAsync(incident)).Group!;
        Assert.Equal((1, false), (again.Active, again.ResolutionProposed));
    }

    [Fact]
    public async Task The_counts_go_out_at_most_once_per_update_interval_with_a_bounded_member_list()
    {
        var id = await OfflineAsync(1);
        for (var n = 2; n <= 25; n++)
        {
            await OfflineAsync(n);
        }

        await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(id), n => n.Count >= 3);
        Assert.Empty(Told(id, "incident.group.updated"));
        Assert.NotNull((await IncidentBench.ViewAsync(_bench.Incident(id))).Group!.NextUpdateAt);

        ClusterFixture.GrainClock.Advance(Defaults.UpdateInterval);
        var updates = await IncidentBench.EventuallyAsync(() => Told(id, "incident.group.updated"), u => u.Count >= 3);
        Assert.Equal(3, updates.Count);
        var ops = updates.Single(u => u.Audience == "ops");
        Assert.Equal(IncidentSeverity.P2, ops.Severity);
        Assert.Contains("共 25 台", Text.Zh(ops.Body), StringComparison.Ordinal);
        var digest = Assert.IsType<IncidentGroupDigest>(ops.Group);
        Assert.Equal((25, 25, 0), (digest.Total, digest.Active, digest.Recovered));
        Assert.Equal(Defaults.MembersInNotification, digest.Members.Count);
        Assert.Equal($"/api/v1/incidents/{id}", digest.FullList);

        // Recoveries within the next interval wait for it, and then go out together.
        await RecoveredAsync(1);
        await RecoveredAsync(2);
        ClusterFixture.GrainClock.Advance(Defaults.UpdateInterval / 2);
        await Task.Delay(600);
        Assert.Equal(3, Told(id, "incident.group.updated").Count);
        ClusterFixture.GrainClock.Advance(Defaults.UpdateInterval / 2);
        var next = await IncidentBench.EventuallyAsync(() => Told(id, "incident.group.updated"), u => u.Count >= 6);
        Assert.Equal(6, next.Count);
        var latest = next.Last(u => u.Audience == "ops").Group!;
        Assert.Equal((25, 23, 2), (latest.Total, latest.Active, latest.Recovered));

        // Nothing changed since: nothing more is sent.
        ClusterFixture.GrainClock.Advance(Defaults.UpdateInterval * 2);
        await Task.Delay(600);
        Assert.Equal(6, Told(id, "incident.group.updated").Count);
    }

    [Fact]
    public async Task The_priority_follows_the_group_size_and_its_acknowledgement_time_shortens()
    {
        var id = await OfflineAsync(1);
        var incident = _bench.Incident(id);
        for (var n = 2; n < Defaults.P2FromMembers; n++)
        {
            await OfflineAsync(n);
        }

        Assert.Equal(IncidentSeverity.P3, (await IncidentBench.ViewAsync(incident)).Severity);

        await OfflineAsync(Defaults.P2FromMembers);
        var p2 = await IncidentBench.ViewAsync(incident);
        Assert.Equal(IncidentSeverity.P2, p2.Severity);
        Assert.Equal(IncidentBench.Now + new IncidentOptions().AcknowledgeP2, p2.EscalatesAt);
        Assert.Contains("priority raised to P2", Text.En(p2.Timeline[^1].Text), StringComparison.Ordinal);

        for (var n = Defaults.P2FromMembers + 1; n <= Defaults.P1FromMembers; n++)
        {
            await OfflineAsync(n);
        }

        var p1 = await IncidentBench.ViewAsync(incident);
        Assert.Equal((IncidentSeverity.P1, Defaults.P1FromMembers), (p1.Severity, p1.Group!.Members.Count));
        Assert.Equal(IncidentBench.Now + new IncidentOptions().AcknowledgeP1, p1.EscalatesAt);

        // Recoveries never lower it: the operator decides that.
        await RecoveredAsync(1);
        Assert.Equal(IncidentSeverity.P1, (await IncidentBench.ViewAsync(incident)).Severity);
    }

    [Fact]
    public async Task A_resolved_incident_takes_no_new_members_and_the_next_alert_opens_a_new_one()
    {
        var id = await OfflineAsync(1);
        await OfflineAsync(2);
        var incident = _bench.Incident(id);
        await IncidentBench.MustAsync(incident, new IncidentCommand.Acknowledge(), Responders.Operator);
        await IncidentBench.MustAsync(incident, new IncidentCommand.Resolve { Text = "交换机已更换" }, Responders.Operator);

        var next = await OfflineAsync(3);

        Assert.NotEqual(id, next);
        Assert.Equal(2, (await IncidentBench.ViewAsync(incident)).Group!.Members.Count);
        Assert.Equal(Terminal(3), Assert.Single((await IncidentBench.ViewAsync(_bench.Incident(next))).Group!.Members).Id);
    }

    [Fact]
    public async Task A_single_terminal_going_offline_gives_a_single_member_incident_as_before()
    {
        var terminal = await TerminalAsync(1);
        var id = terminal.GetPrimaryKeyString();
        await DisconnectAsync(terminal);

        var desk = fixture.Grains.GetGrain<IIncidentDeskGrain>($"terminal:{id}:offline");
        var incidentId = await PollAsync(desk.OpenIncidentAsync);
        var incident = _bench.Incident(incidentId!);
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal(($"终端离线：大厅屏 1（{id}）", IncidentSeverity.P3, IncidentSource.Terminal, $"terminal:{id}:offline"),
            (Text.Zh(view.Title), view.Severity, view.Source, view.DedupKey));
        Assert.Equal($"Terminal offline: 大厅屏 1 ({id})", Text.En(view.Title));
        Assert.Equal(IncidentCommandType.Report, Assert.Single(view.Timeline).Command);
        Assert.Equal(id, Assert.Single(view.Group!.Members).Id);
        await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(incidentId!), n => n.Count >= 3);
        Assert.All(ClusterFixture.Incidents.NotificationsOf(incidentId!), n => Assert.Equal(("incident.reported", null), (n.Kind, n.Group)));

        // Back: noted on the timeline as before, and the incident proposes resolution (it stays for the operator to resolve).
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        var back = await IncidentBench.EventuallyAsync(incident, s => s.Group!.ResolutionProposed);
        Assert.Equal("终端已恢复在线：收到心跳", Text.Zh(back.Timeline[^1].Text));
        Assert.Equal("The terminal is back: heartbeat", Text.En(back.Timeline[^1].Text));
        Assert.Equal((IncidentStage.Reported, 2), (back.Stage, back.Timeline.Count));
        Assert.Equal(3, ClusterFixture.Incidents.NotificationsOf(incidentId!).Count);
    }

    [Fact]
    public async Task A_member_out_again_within_the_flap_window_is_listed_out_though_no_alert_is_raised()
    {
        var terminal = await TerminalAsync(1);
        await DisconnectAsync(await TerminalAsync(2));
        await DisconnectAsync(terminal);
        var id = await PollAsync(Group.CurrentIncidentAsync);
        var incident = _bench.Incident(id!);
        await IncidentBench.EventuallyAsync(incident, s => s.Group!.Members.Count == 2);

        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        await IncidentBench.EventuallyAsync(incident, s => s.Group!.Recovered == 1);
        await DisconnectAsync(terminal);

        var view = await IncidentBench.EventuallyAsync(incident, s => s.Group!.Active == 2);
        Assert.Equal((2, 0), (view.Group!.Active, view.Group.Recovered));
        Assert.Single(ClusterFixture.Journal.EventsOf(terminal.GetPrimaryKeyString()), e => e.Type == "terminal.offline");
    }

    [Fact]
    public async Task Terminals_of_one_region_disconnecting_together_share_one_incident_and_another_region_has_its_own()
    {
        var terminals = new List<ITerminalGrain>();
        for (var n = 1; n <= 3; n++)
        {
            terminals.Add(await TerminalAsync(n));
        }

        var elsewhere = await TerminalAsync(4, "东区");
        foreach (var terminal in terminals.Append(elsewhere))
        {
            await DisconnectAsync(terminal);
        }

        var id = await PollAsync(Group.CurrentIncidentAsync);
        var view = await IncidentBench.EventuallyAsync(_bench.Incident(id!), s => s.Group!.Members.Count >= 3);
        // Their alerts start at the same instant and reach the group after asking inhibition, in no promised order.
        Assert.Equal([.. terminals.Select(t => t.GetPrimaryKeyString())], view.Group!.Members.Select(m => m.Id).Order());
        var east = fixture.Grains.GetGrain<IAlertGroupGrain>(AlertGroups.KeyOf("terminal.offline", _party, "东区"));
        var other = await PollAsync(east.CurrentIncidentAsync);
        Assert.NotEqual(id, other);
        _bench.Incident(other!);
    }

    [Fact]
    public async Task Two_hundred_members_arriving_together_are_listed_in_fewer_writes_than_members()
    {
        const int Storm = 200;
        var first = await OfflineAsync(0);
        var incident = _bench.Incident(first);
        var before = (await IncidentBench.ViewAsync(incident)).Version;

        // The incident's writes, of its state as of its read model, are slow (held for half a second): members arriving meanwhile wait
        // behind the write in flight.
        ClusterFixture.Incidents.Hold(incident.GetPrimaryKeyString());
        string[] ids;
        try
        {
            var joining = Task.WhenAll(Enumerable.Range(1, Storm).Select(n => OfflineAsync(n)));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            ClusterFixture.Incidents.Release(incident.GetPrimaryKeyString());
            ids = await joining;
        }
        finally
        {
            ClusterFixture.Incidents.Release(incident.GetPrimaryKeyString());
        }

        Assert.All(ids, id => Assert.Equal(first, id));
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal((Storm + 1, Storm + 1, Storm + 1), (view.Group!.Members.Count, view.Group.Active, view.Occurrences));
        // One command per member would be 200 versions; the members that arrived while a write was held went in one batch after
        // it. Without the hold, a loaded run once had every member arrive after the previous write and wrote 200 times.
        Assert.InRange(view.Version - before, 1, Storm - 1);
    }

    [Fact]
    public async Task Members_recovering_together_are_marked_in_batches_and_the_incident_then_proposes_resolution()
    {
        var first = await OfflineAsync(0);
        await Task.WhenAll(Enumerable.Range(1, 60).Select(n => OfflineAsync(n)));
        var incident = _bench.Incident(first);
        var before = (await IncidentBench.ViewAsync(incident)).Version;

        await Task.WhenAll(Enumerable.Range(0, 61).Select(n => RecoveredAsync(n)));

        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal((0, 61, true), (view.Group!.Active, view.Group.Recovered, view.Group.ResolutionProposed));
        Assert.InRange(view.Version - before, 1, 60);
        Assert.Equal(IncidentStage.Reported, view.Stage);
    }

    [Fact]
    public async Task A_batch_delivered_twice_counts_its_members_once()
    {
        var first = await OfflineAsync(1);
        var incident = _bench.Incident(first);
        var members = Enumerable.Range(2, 5).Select(n => new IncidentMember(Terminal(n), $"屏 {n}", IncidentBench.Now, null)).ToList();
        await IncidentBench.MustAsync(incident, new IncidentCommand.JoinGroup { Members = members }, IncidentActor.System);
        var once = await IncidentBench.ViewAsync(incident);

        // The answer was lost and the same members come again under another operation id.
        await IncidentBench.MustAsync(incident, new IncidentCommand.JoinGroup { Members = members }, IncidentActor.System);

        var twice = await IncidentBench.ViewAsync(incident);
        Assert.Equal((6, 6), (once.Group!.Members.Count, once.Occurrences));
        Assert.Equal((6, 6), (twice.Group!.Members.Count, twice.Occurrences));
    }

    [Fact]
    public async Task A_batch_with_a_member_outside_the_window_is_refused_whole_and_that_member_opens_its_own_incident()
    {
        var start = IncidentBench.Now;
        var first = await OfflineAsync(1, start);
        var incident = _bench.Incident(first);
        var late = start + Defaults.Window + TimeSpan.FromSeconds(5);
        var refused = await incident.ExecuteAsync(new IncidentCommand.JoinGroup
        {
            Members = [new IncidentMember(Terminal(2), "屏 2", start, null), new IncidentMember(Terminal(3), "屏 3", late, null)],
        }, IncidentActor.System, "batch-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(IncidentOutcome.Invalid, refused.Outcome);
        Assert.Single((await IncidentBench.ViewAsync(incident)).Group!.Members);

        // Through the group: the one in the window joins, the late one opens an incident of its own.
        string[] ids = [await OfflineAsync(2, start), await OfflineAsync(3, late)];

        Assert.Equal(first, ids[0]);
        Assert.NotEqual(first, ids[1]);
        Assert.Equal([Terminal(1), Terminal(2)], (await IncidentBench.ViewAsync(incident)).Group!.Members.Select(m => m.Id));
        Assert.Equal(Terminal(3), Assert.Single((await IncidentBench.ViewAsync(_bench.Incident(ids[1]))).Group!.Members).Id);
    }

    /// <summary>Polls (real time) until the grain names an incident; null when none came.</summary>
    private static async Task<string?> PollAsync(Func<Task<string?>> read)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (await read() is { } id)
            {
                return id;
            }

            await Task.Delay(25);
        }

        return null;
    }

    private async Task<ITerminalGrain> TerminalAsync(int n, string region = Region)
    {
        var terminal = fixture.Grains.GetGrain<ITerminalGrain>(Terminal(n));
        await terminal.RegisterAsync(new TerminalRegistration($"大厅屏 {n}", TerminalKind.Screen, region, _party, TimeSpan.FromSeconds(10), null), "register");
        await terminal.ReceiveAsync([Heartbeat(terminal)]);
        return terminal;
    }

    private static TerminalMessage Heartbeat(ITerminalGrain terminal) =>
        new(terminal.GetPrimaryKeyString(), TerminalMessageKind.Heartbeat, IncidentBench.Now, null, null, 0);

    private static Task DisconnectAsync(ITerminalGrain terminal) =>
        terminal.ReceiveAsync([new TerminalMessage(terminal.GetPrimaryKeyString(), TerminalMessageKind.Disconnected, IncidentBench.Now, null, null, 0)]);
}
