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

        Assert.Equal(["database", "silos", "scheduler", "terminals", "ingest", "inspections", "security"], report.Checks.Select(c => c.Name));
        Assert.Equal(PatrolStatus.Ok, report.Checks.Single(c => c.Name == "silos").Status);
        Assert.Equal(PatrolStatus.Warning, report.Checks.Single(c => c.Name == "terminals").Status);
        Assert.Contains("3 offline (30%)", report.Checks.Single(c => c.Name == "terminals").Detail);
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
            Assert.Contains("connection refused", database.Detail);
            Assert.Equal(PatrolStatus.Ok, report.Checks.Single(c => c.Name == "terminals").Status);
        }
        finally
        {
            ClusterFixture.Probes.DatabaseDown = false;
        }
    }
}
