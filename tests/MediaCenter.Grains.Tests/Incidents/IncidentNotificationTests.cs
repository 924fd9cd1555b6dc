using MediaCenter.Grains.Incidents;
using Orleans.Core.Internal;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>Notifications leave through an outbox kept with the state: an unreachable alert centre delays them, never loses them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentNotificationTests(ClusterFixture fixture) : IAsyncLifetime
{
    private readonly IncidentBench _bench = IncidentBench.Fresh(fixture.Grains, "inot");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        ClusterFixture.Incidents.FailNotifications = false;
        await _bench.QuiesceAsync();
    }

    private static readonly string[] ReportAudiences = ["ops", "management", "party:" + Responders.PartyId];

    [Fact]
    public async Task A_report_notifies_the_operators_on_duty_management_and_the_affected_party()
    {
        var incident = await _bench.InStageAsync(IncidentStage.Reported);
        var id = incident.GetPrimaryKeyString();

        var notifications = ClusterFixture.Incidents.NotificationsOf(id);

        Assert.Equal(ReportAudiences.Order(), notifications.Select(n => n.Audience).Order());
        Assert.All(notifications, n =>
        {
            Assert.Equal("incident.reported", n.Kind);
            Assert.Equal($"{id}:1:{n.Audience}", n.Id);
            Assert.Equal(Responders.PartyId, n.PartyId);
            Assert.Equal(IncidentSeverity.P4, n.Severity);
            Assert.Equal("稿件接口超时", n.Title);
        });
        var recorded = ClusterFixture.Incidents.SnapshotOf(id);
        Assert.Equal((IncidentStage.Reported, 1L), (recorded?.Stage, recorded?.Version));
    }

    [Fact]
    public async Task A_platform_incident_without_a_party_notifies_no_party()
    {
        var desk = _bench.NewDesk();
        var id = await desk.ReportAsync(IncidentBench.Report(desk.GetPrimaryKeyString(), null, party: null), IncidentActor.System, "platform");
        _bench.Incident(id);

        Assert.Equal(["management", "ops"], ClusterFixture.Incidents.NotificationsOf(id).Select(n => n.Audience).Order());
    }

    [Fact]
    public async Task While_the_alert_centre_is_unreachable_commands_still_apply_and_their_notifications_follow_when_it_is_back()
    {
        ClusterFixture.Incidents.FailNotifications = true;
        var incident = _bench.NewIncident();
        var id = incident.GetPrimaryKeyString();

        var reported = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Report), Responders.Party);
        var acknowledged = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), Responders.Operator);
        var resolved = await IncidentBench.RunAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Resolve), Responders.Operator);

        Assert.True(reported.Ok && acknowledged.Ok && resolved.Ok, $"{reported.Outcome} {acknowledged.Outcome} {resolved.Outcome}");
        Assert.Equal(IncidentStage.Resolved, (await IncidentBench.ViewAsync(incident)).Stage);
        Assert.Empty(ClusterFixture.Incidents.NotificationsOf(id));

        ClusterFixture.Incidents.FailNotifications = false;
        // The retry runs on a grain timer (every 5 s).
        ClusterFixture.GrainClock.Advance(TimeSpan.FromSeconds(5));
        var delivered = await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(id), n => n.Count >= 5, TimeSpan.FromSeconds(20));

        // Each as written with its command: the report's three and the resolution's two, with the ids of their versions.
        Assert.Equal(
            [$"{id}:1:management", $"{id}:1:ops", $"{id}:1:party:{Responders.PartyId}", $"{id}:3:management", $"{id}:3:party:{Responders.PartyId}"],
            delivered.Select(n => n.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["incident.reported", "incident.reported", "incident.reported", "incident.resolved", "incident.resolved"],
            delivered.OrderBy(n => n.Id, StringComparer.Ordinal).Select(n => n.Kind));
    }

    [Fact]
    public async Task Undelivered_notifications_survive_a_deactivation_in_the_outbox_and_are_delivered_on_the_next_activation()
    {
        ClusterFixture.Incidents.FailNotifications = true;
        var incident = _bench.NewIncident();
        var id = incident.GetPrimaryKeyString();
        await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Report), Responders.Operator);
        await IncidentBench.MustAsync(incident, IncidentBench.Valid(incident, IncidentCommandType.Acknowledge), Responders.Operator);
        Assert.Empty(ClusterFixture.Incidents.NotificationsOf(id));

        // The activation (and whatever it held in memory) goes away while the alert centre is still down.
        await incident.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        ClusterFixture.Incidents.FailNotifications = false;

        // Only the stored state is left: the next activation delivers its outbox.
        var view = await IncidentBench.ViewAsync(incident);
        Assert.Equal((IncidentStage.Acknowledged, 2L), (view.Stage, view.Version));
        var delivered = await IncidentBench.EventuallyAsync(() => ClusterFixture.Incidents.NotificationsOf(id), n => n.Count >= 3, TimeSpan.FromSeconds(20));
        Assert.Equal(ReportAudiences.Order(), delivered.Select(n => n.Audience).Order());
        Assert.All(delivered, n => Assert.Equal($"{id}:1:{n.Audience}", n.Id));
    }
}
