using MediaCenter.Grains.People;
using MediaCenter.Grains.Tests.Messages;

namespace MediaCenter.Grains.Tests.People;

/// <summary>The staff reserve plan (人员储备, §8.1.4.2): set by the organisation's admin, shown by the roster against the headcount.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StaffReserveTests(ClusterFixture fixture)
{
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
    private static readonly StaffActor Member = new(Guid.NewGuid(), "普通成员", StaffRole.None);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly string _party = "rsv-" + Guid.NewGuid().ToString("N")[..8];

    private Organisation Org => Organisation.Party(_party);

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ClusterFixture.GrainClock.GetUtcNow(), Shanghai).DateTime);

    private static string Op() => Guid.NewGuid().ToString("N");

    private IStaffReserveGrain Reserve => fixture.Grains.GetGrain<IStaffReserveGrain>(Org.Key);

    private IStaffRosterGrain Roster => fixture.Grains.GetGrain<IStaffRosterGrain>(Org.Key);

    private async Task<IStaffGrain> RegisterAsync(string name, StaffPost post)
    {
        var person = fixture.Grains.GetGrain<IStaffGrain>("rs-" + Guid.NewGuid().ToString("N"));
        var result = await person.ExecuteAsync(new RegisterStaff(Org, new StaffDetails(name, post, EducationLevel.Bachelor, 5, [], null, null), null, []), Admin, Op());
        Assert.True(result.Ok, result.Message);
        return person;
    }

    [Fact]
    public void A_line_counts_hires_still_to_come_and_leaves_no_negative_gap()
    {
        var today = new DateOnly(2026, 12, 5);
        var plan = new ReservePlan("party:x", [
            new ReservePost(StaffPost.Staff, 10, [new PlannedHire(2, today.AddDays(30), null), new PlannedHire(3, today.AddDays(-1), "已到岗"), new PlannedHire(1, today, null)]),
            new ReservePost(StaffPost.Manager, 1, []),
        ], 1, DateTimeOffset.UnixEpoch, "admin");

        var lines = ReserveWorkflow.Lines(plan, new Dictionary<StaffPost, int> { [StaffPost.Staff] = 4, [StaffPost.Manager] = 3 }, today);

        // Managers first (the posts' order); a hire dated yesterday is taken as arrived, one dated today is still to come.
        Assert.Equal(new ReserveLine(StaffPost.Manager, 1, 3, 0, 0, 0, null), lines[0]);
        Assert.Equal(new ReserveLine(StaffPost.Staff, 10, 4, 3, 6, 3, today), lines[1]);
        Assert.Empty(ReserveWorkflow.Lines(null, new Dictionary<StaffPost, int>(), today));
    }

    [Fact]
    public async Task The_roster_shows_the_plan_against_the_headcount_and_follows_a_new_hire()
    {
        await RegisterAsync("张一", StaffPost.Staff);
        var set = await Reserve.SetAsync(new SetReservePlan([
            new ReservePost(StaffPost.Staff, 3, [new PlannedHire(1, Today.AddDays(20), "春季招聘")]),
            new ReservePost(StaffPost.Manager, 1, []),
        ]), Admin, Op());
        Assert.True(set.Ok, set.Message);
        Assert.Equal(1, set.Plan!.Version);

        var lines = (await Roster.GetSummaryAsync()).Reserve;
        Assert.Equal([new ReserveLine(StaffPost.Manager, 1, 0, 0, 1, 1, null), new ReserveLine(StaffPost.Staff, 3, 1, 1, 2, 1, Today.AddDays(20))], lines);

        await RegisterAsync("张二", StaffPost.Staff);
        var staff = Assert.Single((await Roster.GetSummaryAsync()).Reserve, l => l.Post == StaffPost.Staff);
        Assert.Equal((2, 1, 0), (staff.Current, staff.ShortNow, staff.Gap));
    }

    [Fact]
    public async Task Only_the_organisations_admin_sets_the_plan_and_a_repeat_answers_the_first_result()
    {
        var refused = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.Staff, 2, [])]), Member, Op());
        Assert.Equal(StaffOutcome.Forbidden, refused.Outcome);
        Assert.Null(await Reserve.GetAsync());

        var op = Op();
        var first = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.Staff, 2, [])]), Admin, op);
        var again = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.Staff, 9, [])]), Admin, op);
        Assert.True(again.Replay);
        Assert.Equal((first.Plan!.Version, first.Plan.UpdatedAt, 2), (again.Plan!.Version, again.Plan.UpdatedAt, again.Plan.Posts.Single().Required));
        Assert.Equal(2, (await Reserve.GetAsync())!.Posts.Single().Required);

        var replaced = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.ServicePost, 4, [])]), Admin, Op());
        Assert.Equal(2, replaced.Plan!.Version);
        Assert.Equal(StaffPost.ServicePost, Assert.Single((await Roster.GetSummaryAsync()).Reserve).Post);
    }

    [Fact]
    public async Task A_post_twice_a_negative_headcount_or_an_undated_hire_is_refused_and_changes_nothing()
    {
        var twice = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.Staff, 1, []), new ReservePost(StaffPost.Staff, 2, [])]), Admin, Op());
        Assert.Equal(StaffOutcome.Invalid, twice.Outcome);
        Assert.Contains("at most once", Text.En(twice.Message));

        var negative = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.Staff, -1, [])]), Admin, Op());
        Assert.Equal(StaffOutcome.Invalid, negative.Outcome);

        var undated = await Reserve.SetAsync(new SetReservePlan([new ReservePost(StaffPost.Staff, 1, [new PlannedHire(1, DateOnly.MinValue, null)])]), Admin, Op());
        Assert.Equal(StaffOutcome.Invalid, undated.Outcome);
        Assert.Contains("日期", Text.Zh(undated.Message));

        Assert.Null(await Reserve.GetAsync());
        Assert.Empty((await Roster.GetSummaryAsync()).Reserve);
    }
}
