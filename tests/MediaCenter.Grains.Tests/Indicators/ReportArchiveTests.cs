using MediaCenter.Grains.Indicators;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>The monthly report packs on the grains' fake clock, with an in-memory archive.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReportArchiveTests(ClusterFixture fixture)
{
    private static DateOnly LastMonth => IndicatorMonths.MonthOf(ClusterFixture.GrainClock.GetUtcNow()).AddMonths(-1);

    private IReportArchiveGrain NewArchive() => fixture.Grains.GetGrain<IReportArchiveGrain>("archive-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task An_ended_month_gets_one_pack_per_party_and_one_of_all_parties_and_a_second_request_makes_none()
    {
        var archive = ClusterFixture.ReportArchive;
        archive.Parties.Clear();
        archive.Parties.AddRange(["ra-p1", "ra-p2"]);
        var grain = NewArchive();
        var month = LastMonth.AddMonths(-3);
        var before = archive.Made.Count(m => m.Month == month);

        var packs = await grain.ArchiveAsync(month.AddDays(14));

        Assert.Equal(["", "ra-p1", "ra-p2"], packs.Select(p => p.PartyId));
        Assert.All(packs, p => Assert.Equal(month, p.Month));
        Assert.Equal(before + 3, archive.Made.Count(m => m.Month == month));
        Assert.Equal(month, (await grain.GetProgressAsync()).LastArchived);

        var again = await grain.ArchiveAsync(month);
        Assert.Equal(packs, again);
        Assert.Equal(before + 3, archive.Made.Count(m => m.Month == month));
    }

    [Fact]
    public async Task The_current_month_is_refused_because_it_has_not_ended()
    {
        var grain = NewArchive();
        var current = IndicatorMonths.MonthOf(ClusterFixture.GrainClock.GetUtcNow());
        await Assert.ThrowsAsync<ArgumentException>(() => grain.ArchiveAsync(current));
        Assert.DoesNotContain(ClusterFixture.ReportArchive.Made, m => m.Month == current);
    }

    [Fact]
    public async Task Progress_is_answered_while_packs_are_being_made()
    {
        var archive = ClusterFixture.ReportArchive;
        archive.Parties.Clear();
        archive.Parties.AddRange(["rb-p1", "rb-p2", "rb-p3"]);
        var grain = NewArchive();
        var month = LastMonth.AddMonths(-5);
        archive.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var making = grain.ArchiveAsync(month);
            await archive.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));

            var progress = await grain.GetProgressAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal((month, 0, 4), (progress.Making, progress.Done, progress.Total));

            archive.Gate.SetResult();
            Assert.Equal(4, (await making).Count);
            Assert.Equal(new ReportArchiveProgress(month, null, 0, 0), await grain.GetProgressAsync());
        }
        finally
        {
            archive.Gate?.TrySetResult();
            archive.Gate = null;
        }
    }
}
