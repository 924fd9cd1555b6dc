using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Operations;

// The probes are shared: these tests run one after another in the cluster collection.
[Collection(ClusterCollection.Name)]
public sealed class PatrolGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_patrol_checks_every_subsystem_stores_its_report_and_flags_anomalies()
    {
        ClusterFixture.Probes.DatabaseDown = false;
        ClusterFixture.Probes.Census = new TerminalCensus(10, 3, 1, 2, 0);
        var patrol = fixture.Grains.GetGrain<IPatrolGrain>("patrol-" + Guid.NewGuid());

        var report = await patrol.RunAsync("on-demand");

        Assert.Equal(["database", "silos", "scheduler", "terminals", "ingest", "inspections", "security", "web", "gateways", "publishing", "feeds", "webhooks", "collection", "dataQuality"],
            report.Checks.Select(c => c.Name));
        Assert.Equal(PatrolStatus.Ok, report.Checks.Single(c => c.Name == "silos").Status);
        Assert.Equal(PatrolStatus.Warning, report.Checks.Single(c => c.Name == "terminals").Status);
        Assert.Contains("3 offline (30%)", Text.En(report.Checks.Single(c => c.Name == "terminals").Detail));
        Assert.Equal(PatrolStatus.Warning, report.Checks.Single(c => c.Name == "ingest").Status);
        Assert.Equal(PatrolStatus.Warning, report.Checks.Single(c => c.Name == "inspections").Status);
        Assert.Equal(PatrolStatus.Warning, report.Status);
        Assert.True(report.Id > 0);
        Assert.Contains(ClusterFixture.Probes.Stored, r => r.Id == 0 && r.StartedAt == report.StartedAt);
    }

    [Fact]
    public async Task A_failing_subsystem_fails_the_patrol_but_the_other_checks_still_run()
    {
        ClusterFixture.Probes.DatabaseDown = true;
        ClusterFixture.Probes.Census = new TerminalCensus(5, 0, 0, 0, 0);
        try
        {
            var report = await fixture.Grains.GetGrain<IPatrolGrain>("patrol-" + Guid.NewGuid()).RunAsync("on-demand");

            Assert.Equal(PatrolStatus.Failed, report.Status);
            var database = report.Checks.Single(c => c.Name == "database");
            Assert.Equal(PatrolStatus.Failed, database.Status);
            Assert.Contains("connection refused", Text.En(database.Detail));
            Assert.Equal(PatrolStatus.Ok, report.Checks.Single(c => c.Name == "terminals").Status);
        }
        finally
        {
            ClusterFixture.Probes.DatabaseDown = false;
        }
    }

    [Fact]
    public async Task A_patrol_checks_the_data_flows_and_a_late_schedule_or_a_webhook_backlog_shows_with_its_figures()
    {
        ClusterFixture.Flows.Publishing = new PublishingCensus(2, 0, 14);
        ClusterFixture.Flows.Backlog = new WebhookBacklog(40, 3, 27, 1);
        try
        {
            var report = await fixture.Grains.GetGrain<IPatrolGrain>("patrol-" + Guid.NewGuid()).RunAsync("on-demand");

            var publishing = report.Checks.Single(c => c.Name == "publishing");
            Assert.Equal((PatrolStatus.Failed, "patrol.publishing.late"), (publishing.Status, publishing.Code));
            Assert.Equal(2, publishing.Figures!["scheduledLate"]);
            var webhooks = report.Checks.Single(c => c.Name == "webhooks");
            Assert.Equal((PatrolStatus.Warning, "patrol.webhooks.backlog"), (webhooks.Status, webhooks.Code));
            Assert.Equal((40L, 3L, 27L), (webhooks.Figures!["pending"], webhooks.Figures["overdue"], webhooks.Figures["oldestMinutes"]));
            Assert.Equal(PatrolStatus.Ok, report.Checks.Single(c => c.Name == "feeds").Status);
            // The test client is the one cluster client, and no devices gateway is counted as a web instance.
            var web = report.Checks.Single(c => c.Name == "web");
            Assert.Equal(PatrolStatus.Ok, web.Status);
            Assert.True(web.Figures!["instances"] >= 1);
            Assert.Equal(PatrolStatus.Failed, report.Status);
        }
        finally
        {
            ClusterFixture.Flows.Publishing = new PublishingCensus(0, 0, 0);
            ClusterFixture.Flows.Backlog = new WebhookBacklog(0, 0, 0, 0);
        }
    }

    [Theory]
    [InlineData(0, 0, 3, PatrolStatus.Ok)]
    [InlineData(0, 1, 3, PatrolStatus.Warning)]
    [InlineData(1, 0, 3, PatrolStatus.Failed)]
    public void Publishing_fails_on_a_late_schedule_and_warns_on_an_open_publishing_failure(int late, int failures, int published, PatrolStatus expected) =>
        Assert.Equal(expected, PatrolFlows.Publishing(new PublishingCensus(late, failures, published)).Status);

    [Theory]
    [InlineData(10, 0, PatrolStatus.Ok)]
    [InlineData(10, 1, PatrolStatus.Warning)]
    [InlineData(PatrolFlows.BacklogWarning + 1, 0, PatrolStatus.Warning)]
    public void Webhook_deliveries_warn_when_any_is_overdue_or_the_queue_is_long(int pending, int overdue, PatrolStatus expected) =>
        Assert.Equal(expected, PatrolFlows.Webhooks(new WebhookBacklog(pending, overdue, 0, 0)).Status);

    [Fact]
    public void A_published_story_missing_from_the_feeds_fails_the_feeds_check() =>
        Assert.Equal((PatrolStatus.Failed, 1L), (PatrolFlows.Feeds(new FeedCensus(5, 1, 3)).Status, PatrolFlows.Feeds(new FeedCensus(5, 1, 3)).Figures!["notServed"]));

    [Fact]
    public void Gateways_fail_while_none_is_up_and_warn_on_an_ingest_backlog()
    {
        var now = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var down = PatrolFlows.Gateways(new MediaCenter.Grains.Terminals.IngestPresence(true, now.AddMinutes(-7), null, null, 0), now);
        var slow = PatrolFlows.Gateways(new MediaCenter.Grains.Terminals.IngestPresence(true, null, null, null, 2, now, TimeSpan.FromSeconds(30)), now);
        var fine = PatrolFlows.Gateways(new MediaCenter.Grains.Terminals.IngestPresence(true, null, null, null, 1, now, TimeSpan.FromSeconds(1)), now);

        Assert.Equal((PatrolStatus.Failed, 7L), (down.Status, down.Figures!["downMinutes"]));
        Assert.Equal(PatrolStatus.Warning, slow.Status);
        Assert.Equal(PatrolStatus.Ok, fine.Status);
        Assert.Equal((PatrolStatus.Failed, PatrolStatus.Ok), (PatrolFlows.Web(1, 1).Status, PatrolFlows.Web(3, 1).Status));
    }
}

/// <summary>Data-flow figures the tests set.</summary>
public sealed class FakePatrolFlowProbes : IPatrolFlowProbes
{
    public PublishingCensus Publishing { get; set; } = new(0, 0, 0);
    public FeedCensus Feeds { get; set; } = new(0, 0, null);
    public WebhookBacklog Backlog { get; set; } = new(0, 0, 0, 0);

    public Task<PublishingCensus> PublishingAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(Publishing);

    public Task<FeedCensus> FeedsAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(Feeds);

    public Task<WebhookBacklog> WebhookBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(Backlog);
}
