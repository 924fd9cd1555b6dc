using MediaCenter.Grains.Operations;
using MediaCenter.Grains.People;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Operations;

/// <summary>The retention job and the patrol's data-quality check (F10.3), on the grains' fake clock and a fake store.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RetentionGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_retention_job_deletes_expired_rows_anonymises_expired_tickets_and_keeps_its_counts()
    {
        // A rejected ticket whose consented retention (2 days) has passed, and one the store names that no longer exists.
        var id = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var ticket = fixture.Grains.GetGrain<ITicketGrain>(id);
        var contact = new TicketContact(new ProtectedField("enc-name", "张*"), new ProtectedField("enc-phone", "138****5678"), null);
        var consent = new TicketConsent("受理与回访", 2, ClusterFixture.GrainClock.GetUtcNow(), "2026-12");
        Assert.True((await ticket.ExecuteAsync(new SubmitTicket(TicketKind.Complaint, null, TicketSource.Web, "大屏过亮", "晚上太亮。", contact, consent),
            TicketActor.Public, Guid.NewGuid().ToString("N"))).Ok);
        Assert.True((await ticket.ExecuteAsync(new RejectTicket("不属于本中心职责"), new TicketActor(Guid.NewGuid(), "受理员", TicketActorKind.PlatformStaff),
            Guid.NewGuid().ToString("N"))).Ok);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        ClusterFixture.Governance.Deleted = new() { ["mc.api_tokens"] = 3 };
        ClusterFixture.Governance.ExpiredTickets = [id, "TGONE"];
        try
        {
            var job = fixture.Grains.GetGrain<IRetentionGrain>("retention-" + Guid.NewGuid());
            var run = await job.RunAsync("manual");

            Assert.Equal((3L, 1L, 1L), (run.Counts["mc.api_tokens"], run.Counts["tickets.anonymised"], run.Counts["tickets.left"]));
            Assert.Contains(ClusterFixture.Governance.Runs, r => r.StartedAt == run.StartedAt && r.Counts["tickets.anonymised"] == 1);
            Assert.True(run.Id > 0);
            var kept = await ticket.GetAsync();
            Assert.Equal((null, TicketState.Rejected), (kept!.PhoneMasked, kept.State));
            Assert.Null(await ticket.GetContactAsync());

            // Again: the ticket is already anonymous and stays so with no second change.
            var version = kept.Version;
            await job.RunAsync("manual");
            Assert.Equal(version, (await ticket.GetAsync())!.Version);
        }
        finally
        {
            ClusterFixture.Governance.Deleted = [];
            ClusterFixture.Governance.ExpiredTickets = [];
        }
    }

    [Fact]
    public async Task A_run_asked_for_now_is_recorded_like_the_scheduled_ones_and_a_retried_request_starts_no_second_run()
    {
        var job = fixture.Grains.GetGrain<IRetentionGrain>("retention-" + Guid.NewGuid());
        var before = ClusterFixture.Governance.Runs.Count;
        var operation = Guid.NewGuid().ToString("N");

        var run = await job.RunOnDemandAsync(operation, "admin1");
        var retried = await job.RunOnDemandAsync(operation, "admin1");

        Assert.Equal("on-demand:admin1", run.Trigger);
        Assert.Equal((run.Id, run.StartedAt, run.Trigger), (retried.Id, retried.StartedAt, retried.Trigger));
        Assert.Equal(before + 1, ClusterFixture.Governance.Runs.Count);
        Assert.Contains(ClusterFixture.Governance.Runs, r => r.Trigger == "on-demand:admin1" && r.StartedAt == run.StartedAt);

        // Another request is another run.
        var next = await job.RunOnDemandAsync(Guid.NewGuid().ToString("N"), "admin1");
        Assert.NotEqual(run.Id, next.Id);
        Assert.Equal(before + 2, ClusterFixture.Governance.Runs.Count);
    }

    [Fact]
    public async Task The_patrol_reports_data_quality_counts_and_warns_when_any_is_found()
    {
        ClusterFixture.Governance.Figures = new() { ["orphans"] = 2, ["impossibleDates"] = 1, ["expiredConsentsHeld"] = 0, ["pastRetention"] = 4 };
        try
        {
            var report = await fixture.Grains.GetGrain<IPatrolGrain>("patrol-" + Guid.NewGuid()).RunAsync("on-demand");

            var quality = report.Checks.Single(c => c.Name == "dataQuality");
            Assert.Equal((PatrolStatus.Warning, "patrol.dataQuality.found"), (quality.Status, quality.Code));
            Assert.Equal((2L, 1L, 4L), (quality.Figures!["orphans"], quality.Figures["impossibleDates"], quality.Figures["pastRetention"]));
            Assert.Equal("Data quality: 2 orphan rows, 1 impossible dates, 0 expired consents still held, 4 rows past retention", Text.En(quality.Detail));
        }
        finally
        {
            ClusterFixture.Governance.Figures = [];
        }

        Assert.Equal(PatrolStatus.Ok, DataQualityCheck.Of([]).Status);
    }
}

/// <summary>Data-governance figures and deletions the tests set; the runs it was asked to keep.</summary>
public sealed class FakeDataGovernanceStore : IDataGovernanceStore
{
    public Dictionary<string, long> Figures { get; set; } = [];

    public Dictionary<string, long> Deleted { get; set; } = [];

    public List<string> ExpiredTickets { get; set; } = [];

    public List<RetentionRun> Runs { get; } = [];

    public Task<Dictionary<string, long>> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(new Dictionary<string, long>(Figures));

    public Task<IReadOnlyList<string>> ExpiredConsentTicketsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. ExpiredTickets]);

    public Task<Dictionary<string, long>> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(new Dictionary<string, long>(Deleted));

    public Task<long> RecordRunAsync(RetentionRun run, CancellationToken cancellationToken)
    {
        lock (Runs)
        {
            Runs.Add(run);
            return Task.FromResult((long)Runs.Count);
        }
    }
}
