using System.Diagnostics;
using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>An unacknowledged incident climbs the on-call levels on the grain clock; acknowledging stops it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentEscalationTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan P2 = new IncidentOptions().AcknowledgeP2;
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "iesc");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _bench.QuiesceAsync();

    private async Task<(string Id, IIncidentGrain Incident)> ReportP2Async()
    {
        var desk = _bench.NewDesk();
        var report = IncidentBench.Report(desk.GetPrimaryKeyString(), null, IncidentSeverity.P2);
        var id = await desk.ReportAsync(report, IncidentActor.System, "p2");
        return (id, _bench.Incident(id));
    }

    private static List<string> Escalations(string id) =>
        [.. ClusterFixture.Incidents.NotificationsOf(id).Where(n => n.Kind == "incident.escalated" && !n.Audience.StartsWith("party:", StringComparison.Ordinal))
            .Select(n => n.Audience)];

    /// <summary>Watches for a while (real time) that nothing changes: the version stays.</summary>
    private static async Task<IncidentSnapshot> StaysAsync(IIncidentGrain incident, long version, TimeSpan watch)
    {
        var clock = Stopwatch.StartNew();
        IncidentSnapshot view;
        do
        {
            view = await IncidentBench.ViewAsync(incident);
            Assert.Equal(version, view.Version);
            await Task.Delay(50);
        }
        while (clock.Elapsed < watch);
        return view;
    }

    [Fact]
    public void The_default_acknowledgement_times_are_5_15_60_and_240_minutes()
    {
        var options = new IncidentOptions();
        Assert.Equal(
            [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(4)],
            Enum.GetValues<IncidentSeverity>().Select(options.AcknowledgeWithin));
        Assert.Equal(["ops", "role:admin", "management"], Enumerable.Range(1, OnCall.Levels).Select(OnCall.AudienceOf));
    }

    [Fact]
    public async Task An_unacknowledged_P2_escalates_every_15_minutes_to_administrators_then_management_and_acknowledging_stops_it()
    {
        var (id, incident) = await ReportP2Async();
        var reported = await IncidentBench.ViewAsync(incident);
        Assert.Equal(1, reported.EscalationLevel);
        Assert.Equal(reported.ReportedAt + P2, reported.EscalatesAt);

        // Not a moment early.
        ClusterFixture.GrainClock.Advance(P2 - TimeSpan.FromSeconds(1));
        await StaysAsync(incident, reported.Version, TimeSpan.FromMilliseconds(600));
        Assert.Empty(Escalations(id));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(1));
        var level2 = await IncidentBench.EventuallyAsync(incident, s => s.EscalationLevel >= 2);
        Assert.Equal((2, IncidentStage.Reported), (level2.EscalationLevel, level2.Stage));
        Assert.Equal(IncidentBench.Now + P2, level2.EscalatesAt);
        var escalated = level2.Timeline[^1];
        Assert.Equal((IncidentCommandType.Escalate, IncidentActor.System.Name), (escalated.Command, escalated.Actor));
        Assert.Equal(["role:admin"], await IncidentBench.EventuallyAsync(() => Escalations(id), e => e.Count >= 1));

        ClusterFixture.GrainClock.Advance(P2);
        var level3 = await IncidentBench.EventuallyAsync(incident, s => s.EscalationLevel >= 3);
        Assert.Equal(3, level3.EscalationLevel);
        Assert.Equal(level2.Version + 1, level3.Version);
        Assert.Equal(["role:admin", "management"], await IncidentBench.EventuallyAsync(() => Escalations(id), e => e.Count >= 2));
        // The affected party is told too.
        Assert.Equal(2, ClusterFixture.Incidents.NotificationsOf(id).Count(n => n.Kind == "incident.escalated" && n.Audience == "party:" + Responders.PartyId));

        var acknowledged = await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), Responders.Operator);
        var owned = await IncidentBench.ViewAsync(incident);
        Assert.Null(owned.EscalatesAt);
        Assert.Equal(Responders.Operator.Name, owned.Owner);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromHours(2));
        var after = await StaysAsync(incident, acknowledged.Version, TimeSpan.FromSeconds(1));
        Assert.Equal((IncidentStage.Acknowledged, 3), (after.Stage, after.EscalationLevel));
        Assert.Equal(["role:admin", "management"], Escalations(id));
    }

    [Fact]
    public async Task Raising_the_severity_of_a_waiting_incident_brings_its_escalation_forward()
    {
        var (id, incident) = await ReportP2Async();

        await IncidentBench.MustAsync(incident, new IncidentCommand.SetSeverity { Severity = IncidentSeverity.P1 }, Responders.Operator);
        var raised = await IncidentBench.ViewAsync(incident);
        Assert.Equal(IncidentSeverity.P1, raised.Severity);
        Assert.Equal(IncidentBench.Now + new IncidentOptions().AcknowledgeP1, raised.EscalatesAt);

        ClusterFixture.GrainClock.Advance(new IncidentOptions().AcknowledgeP1);
        var escalated = await IncidentBench.EventuallyAsync(incident, s => s.EscalationLevel >= 2);
        Assert.Equal(2, escalated.EscalationLevel);
        Assert.Equal(["role:admin"], await IncidentBench.EventuallyAsync(() => Escalations(id), e => e.Count >= 1));
    }
}
