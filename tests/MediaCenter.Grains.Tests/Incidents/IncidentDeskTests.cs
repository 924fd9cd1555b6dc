using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>One open incident per fault: repeats are counted on it, a resolved one reopens, a closed one makes way for a new one.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentDeskTests(ClusterFixture fixture) : IAsyncLifetime
{
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "idk");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _bench.QuiesceAsync();

    private static IncidentReport Offline(IIncidentDeskGrain desk) =>
        new(desk.GetPrimaryKeyString(), IncidentSource.Terminal, IncidentSeverity.P3, "终端离线：大厅一号屏", "北区 · missed-heartbeats",
            Responders.PartyId, null, "terminal:hall-1", IncidentBench.Now);

    /// <summary>Takes an open incident through resolution, root cause and feedback to closed.</summary>
    private static async Task CloseAsync(IIncidentGrain incident)
    {
        foreach (var command in new[]
                 {
                     IncidentCommandType.Acknowledge, IncidentCommandType.Resolve, IncidentCommandType.RecordRootCause, IncidentCommandType.SendFeedback,
                     IncidentCommandType.Close,
                 })
        {
            await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, command), Responders.Operator);
        }
    }

    [Fact]
    public async Task A_thousand_identical_reports_make_one_incident_that_counts_them_all()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);
        var ids = new List<string>();

        for (var batch = 0; batch < 10; batch++)
        {
            var first = batch * 100;
            ids.AddRange(await Task.WhenAll(Enumerable.Range(first, 100).Select(i =>
                desk.ReportAsync(report with { At = report.At.AddMilliseconds(i) }, IncidentActor.System, $"offline-{i}"))));
        }

        var id = Assert.Single(ids.Distinct());
        Assert.Equal(id, await desk.OpenIncidentAsync());
        var incident = _bench.Incident(id);
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal(1000, view.Occurrences);
        Assert.Equal(report.At.AddMilliseconds(999), view.LastOccurrenceAt);
        Assert.Equal((IncidentStage.Reported, 1L), (view.Stage, view.Version));
        Assert.Equal(desk.GetPrimaryKeyString(), view.DedupKey);
        Assert.Single(view.Timeline);

        // One report's worth of notifications, not a thousand.
        Assert.Equal(3, ClusterFixture.Incidents.NotificationsOf(id).Count);

        // The count reaches the read model on the checkpoint cadence.
        ClusterFixture.GrainClock.Advance(new IncidentOptions().OccurrenceCheckpoint);
        var recorded = await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.SnapshotOf(id), s => s?.Occurrences == 1000);
        Assert.Equal(1000, recorded?.Occurrences);
    }

    [Fact]
    public async Task A_report_retried_after_its_incident_was_never_stored_makes_the_incident_under_the_same_id()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);
        HoldingGrainStorage.FailNextIncidentWrite();
        await Assert.ThrowsAnyAsync<Exception>(() => desk.ReportAsync(report, IncidentActor.System, "lost-1"));

        var id = await desk.ReportAsync(report, IncidentActor.System, "lost-1");

        var incident = await IncidentBench.ViewAsync(_bench.Incident(id));
        Assert.Equal((IncidentStage.Reported, 1), (incident.Stage, incident.Occurrences));
        Assert.Equal(id, await desk.OpenIncidentAsync());
        Assert.Equal(id, await desk.ReportAsync(report, IncidentActor.System, "lost-1"));
        Assert.Equal(1, (await IncidentBench.ViewAsync(_bench.Incident(id))).Occurrences);
    }

    [Fact]
    public async Task A_report_after_the_incident_is_closed_opens_a_new_incident()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);
        var firstId = await desk.ReportAsync(report, IncidentActor.System, "outage-1");
        var first = _bench.Incident(firstId);
        await desk.ReportAsync(report, IncidentActor.System, "outage-1-repeat");
        await CloseAsync(first);

        var secondId = await desk.ReportAsync(report with { At = IncidentBench.Now }, IncidentActor.System, "outage-2");

        Assert.NotEqual(firstId, secondId);
        Assert.Equal(secondId, await desk.OpenIncidentAsync());
        var second = await IncidentBench.ViewAsync(_bench.Incident(secondId));
        Assert.Equal((IncidentStage.Reported, 1, 1L), (second.Stage, second.Occurrences, second.Version));
        var closed = await IncidentBench.ViewAsync(first);
        Assert.Equal((IncidentStage.Closed, 2), (closed.Stage, closed.Occurrences));

        // Further repeats count on the new one.
        Assert.Equal(secondId, await desk.ReportAsync(report, IncidentActor.System, "outage-2-repeat"));
        Assert.Equal(2, (await IncidentBench.ViewAsync(_bench.Incident(secondId))).Occurrences);
    }

    [Fact]
    public async Task A_report_while_the_incident_is_resolved_reopens_it()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);
        var id = await desk.ReportAsync(report, IncidentActor.System, "flap-1");
        var incident = _bench.Incident(id);
        await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), Responders.Operator);
        await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Resolve), Responders.Operator);

        var again = await desk.ReportAsync(report with { At = IncidentBench.Now.AddSeconds(1) }, IncidentActor.System, "flap-2");

        Assert.Equal(id, again);
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal(IncidentStage.Reported, view.Stage);
        Assert.Equal(2, view.Occurrences);
        Assert.Null(view.ResolvedAt);
        Assert.Null(view.AcknowledgedAt);
        Assert.Equal(1, view.EscalationLevel);
        Assert.Equal(IncidentBench.Now + new IncidentOptions().AcknowledgeWithin(IncidentSeverity.P3), view.EscalatesAt);
        var entry = view.Timeline[^1];
        Assert.Equal((IncidentCommandType.Reopen, IncidentStage.Resolved, IncidentStage.Reported, IncidentActor.System.Name),
            (entry.Command, entry.From, entry.To, entry.Actor));
        var reopened = await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(id), n => n.Any(x => x.Kind == "incident.reopened"));
        Assert.Contains(reopened, n => n.Kind == "incident.reopened" && n.Audience == "ops");
    }

    [Fact]
    public async Task A_report_retried_with_the_same_operation_id_answers_the_same_incident_and_opens_nothing_new()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);

        var id = await desk.ReportAsync(report, IncidentActor.System, "retry-open");
        var repeat = await desk.ReportAsync(report, IncidentActor.System, "retry-open");

        Assert.Equal(id, repeat);
        var view = await IncidentBench.ViewAsync(_bench.Incident(id));
        Assert.Equal((1, 1L), (view.Occurrences, view.Version));
    }

    [Fact]
    public async Task A_repeat_report_retried_with_the_same_operation_id_is_counted_once()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);
        var id = await desk.ReportAsync(report, IncidentActor.System, "count-1");

        // The second occurrence, and a retry of it (the caller timed out and sent it again).
        Assert.Equal(id, await desk.ReportAsync(report, IncidentActor.System, "count-2"));
        Assert.Equal(id, await desk.ReportAsync(report, IncidentActor.System, "count-2"));

        var view = await IncidentBench.ViewAsync(_bench.Incident(id));
        Assert.True(view.Occurrences == 2, $"two occurrences were reported (one of them twice, with the same operation id); the incident counts {view.Occurrences}");
    }

    [Fact]
    public async Task A_closed_incident_reopened_by_hand_takes_the_repeats_of_its_fault_again()
    {
        var desk = _bench.NewDesk();
        var report = Offline(desk);
        var id = await desk.ReportAsync(report, IncidentActor.System, "reopen-1");
        var incident = _bench.Incident(id);
        await CloseAsync(incident);
        await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Reopen), Responders.Operator);

        // The fault is open again in one incident: its next report counts there instead of opening a second incident.
        var next = await desk.ReportAsync(report, IncidentActor.System, "reopen-2");

        Assert.True(next == id, $"the reopened incident {id} is open, yet the desk opened {next} for the same fault");
    }
}
