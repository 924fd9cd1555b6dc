using MediaCenter.Grains.People;
using MediaCenter.Grains.Tests.Incidents;

namespace MediaCenter.Grains.Tests.People;

/// <summary>Staff records and their organisation's roster: the standard's rules checked live, on the grains' fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StaffRosterTests(ClusterFixture fixture)
{
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly string _party = "ppl-" + Guid.NewGuid().ToString("N")[..8];

    private static RecordingAlertCentreJournal Alerts => ClusterFixture.AlertCentre;

    private Organisation Org => Organisation.Party(_party);

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ClusterFixture.GrainClock.GetUtcNow(), Shanghai).DateTime);

    private static string Op() => Guid.NewGuid().ToString("N");

    private IStaffRosterGrain Roster => fixture.Grains.GetGrain<IStaffRosterGrain>(Org.Key);

    private async Task<IStaffGrain> RegisterAsync(string name, StaffPost post = StaffPost.Staff, EducationLevel education = EducationLevel.Bachelor, int years = 5,
        params RecordCertificate[] certificates)
    {
        var person = fixture.Grains.GetGrain<IStaffGrain>("st-" + Guid.NewGuid().ToString("N"));
        var result = await person.ExecuteAsync(new RegisterStaff(Org, new StaffDetails(name, post, education, years, ["计算机"], null, null), null, certificates),
            Admin, Op());
        Assert.True(result.Ok, result.Message);
        return person;
    }

    private Task<IStaffGrain> RegisterCertifiedAsync(string name, params RecordCertificate[] certificates) =>
        RegisterAsync(name, StaffPost.Staff, EducationLevel.Bachelor, 5, certificates);

    private static RecordCertificate Certificate(string number, DateOnly? validTo = null) =>
        new("广播电视播音员主持人资格证", number, "国家广播电视总局", Today.AddYears(-1), validTo);

    private static async Task CertifyAsync(IStaffGrain person, string number, DateOnly? validTo = null)
    {
        var result = await person.ExecuteAsync(Certificate(number, validTo), Admin, Op());
        Assert.True(result.Ok, result.Message);
    }

    private async Task<List<IStaffGrain>> StaffAsync(int certified, int uncertified)
    {
        var people = new List<IStaffGrain>();
        // The certified come first, so the share never drops below half on the way to the figures under test.
        for (var i = 0; i < certified; i++)
        {
            people.Add(await RegisterCertifiedAsync($"持证{i:000}", Certificate($"C{i:000}")));
        }

        for (var i = 0; i < uncertified; i++)
        {
            people.Add(await RegisterAsync($"无证{i:000}"));
        }

        return people;
    }

    private IReadOnlyList<Grains.Incidents.AlertNotification> Raised(string what) => Alerts.NotificationsStartingWith($"people:{Org.Key}:{what}");

    [Fact]
    public async Task Fifty_certified_of_a_hundred_meets_the_ratio_and_raises_nothing()
    {
        await StaffAsync(certified: 50, uncertified: 50);

        var summary = await Roster.GetSummaryAsync();

        Assert.Equal((100, 50, true, (DateOnly?)null), (summary.Total, summary.Certified, summary.MeetsRatio, summary.BelowFrom));
        Assert.Empty(Raised("ratio"));
    }

    [Fact]
    public async Task Forty_nine_certified_of_a_hundred_alerts_the_organisations_admins_once()
    {
        var people = await StaffAsync(certified: 50, uncertified: 50);

        var removed = await people[0].ExecuteAsync(new RemoveCertificate("C000", "吊销"), Admin, Op());
        await Roster.ReviewAsync();

        Assert.True(removed.Ok, removed.Message);
        var summary = await Roster.GetSummaryAsync();
        Assert.Equal((100, 49, false, (DateOnly?)Today), (summary.Total, summary.Certified, summary.MeetsRatio, summary.BelowFrom));
        var alert = Assert.Single(Raised("ratio-below"));
        Assert.Equal(("party:" + _party, "staffRatioBelow", _party), (alert.Audience, alert.Kind, alert.PartyId));
        Assert.Contains("49 of 100", Text.En(alert.Title), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recording_the_fiftieth_certificate_lifts_the_alert_and_a_later_fall_is_a_new_one()
    {
        var people = await StaffAsync(certified: 49, uncertified: 0);
        for (var i = 0; i < 51; i++)
        {
            people.Add(await RegisterAsync($"无证{i:000}"));
        }

        Assert.False((await Roster.GetSummaryAsync()).MeetsRatio);
        await CertifyAsync(people[^1], "C-renewed");
        Assert.True((await Roster.GetSummaryAsync()).MeetsRatio);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(1));
        Assert.True((await people[^1].ExecuteAsync(new RemoveCertificate("C-renewed", null), Admin, Op())).Ok);

        // One alert per spell below half: the first spell and the one after the day the ratio was met again.
        Assert.Equal(2, Raised("ratio-below").Count);
    }

    [Fact]
    public async Task A_certificate_expiring_next_week_is_reminded_now_and_the_fall_it_causes_is_forecast()
    {
        await RegisterCertifiedAsync("张三", Certificate("EXP-1", Today.AddDays(7)));

        var summary = await Roster.GetSummaryAsync();

        var expiring = Assert.Single(summary.Expiring);
        Assert.Equal(("EXP-1", 7), (expiring.Number, expiring.DaysLeft));
        var reminder = Assert.Single(Raised("expiry"));
        Assert.Equal("certificateExpiring", reminder.Kind);
        Assert.True(summary.MeetsRatio);
        Assert.Equal(Today.AddDays(8), summary.BelowFrom);
        Assert.Single(Raised("ratio-forecast"));
        Assert.Empty(Raised("ratio-below"));
    }

    [Fact]
    public async Task A_certificate_expiring_beyond_the_window_or_renewed_raises_no_reminder()
    {
        await RegisterCertifiedAsync("李四", Certificate("FAR-1", Today.AddDays(61)));
        await RegisterCertifiedAsync("王五", Certificate("OLD-1", Today.AddDays(10)), Certificate("NEW-1", Today.AddYears(3)));

        var summary = await Roster.GetSummaryAsync();

        Assert.Empty(summary.Expiring);
        Assert.Empty(Raised("expiry"));
    }

    [Fact]
    public async Task When_the_expiry_day_passes_the_review_finds_the_ratio_below_and_alerts()
    {
        await RegisterCertifiedAsync("赵六", Certificate("EXP-2", Today.AddDays(2)));
        Assert.Empty(Raised("ratio-below"));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(3));
        var summary = await Roster.ReviewAsync();

        Assert.Equal((1, 0, false), (summary.Total, summary.Certified, summary.MeetsRatio));
        Assert.Single(Raised("ratio-below"));
    }

    [Theory]
    [InlineData(StaffPost.Manager, EducationLevel.Bachelor, 3, null)]
    [InlineData(StaffPost.Manager, EducationLevel.Bachelor, 2, StaffRule.ManagerExperience)]
    [InlineData(StaffPost.Manager, EducationLevel.JuniorCollege, 10, StaffRule.ManagerEducation)]
    [InlineData(StaffPost.Staff, EducationLevel.JuniorCollege, 1, null)]
    [InlineData(StaffPost.Staff, EducationLevel.JuniorCollege, 0, StaffRule.StaffExperience)]
    [InlineData(StaffPost.Staff, EducationLevel.Secondary, 4, StaffRule.StaffEducation)]
    [InlineData(StaffPost.ServicePost, EducationLevel.Secondary, 0, null)]
    public async Task Entry_conditions_flag_exactly_the_people_below_their_posts_boundary(StaffPost post, EducationLevel education, int years,
        StaffRule? expected)
    {
        var person = await RegisterAsync("候选人", post, education, years);

        var breaches = (await Roster.GetSummaryAsync()).Breaches;

        Assert.Equal(expected is { } rule ? [(person.GetPrimaryKeyString(), rule)] : [], breaches.Select(b => (b.PersonId, b.Rule)).ToList());
    }

    [Fact]
    public async Task A_manager_who_gains_a_year_is_no_longer_flagged()
    {
        var person = await RegisterAsync("经理", StaffPost.Manager, EducationLevel.Bachelor, 2);
        Assert.Single((await Roster.GetSummaryAsync()).Breaches);

        var updated = await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails(null, null, null, 3, null, null, null)), Admin, Op());

        Assert.True(updated.Ok, updated.Message);
        Assert.Empty((await Roster.GetSummaryAsync()).Breaches);
    }

    [Fact]
    public async Task A_person_who_left_is_not_counted_and_cannot_be_given_a_certificate()
    {
        await StaffAsync(certified: 1, uncertified: 1);
        var leaver = await RegisterAsync("离职者");
        Assert.False((await Roster.GetSummaryAsync()).MeetsRatio);

        Assert.True((await leaver.ExecuteAsync(new StaffLeave("调离"), Admin, Op())).Ok);
        var refused = await leaver.ExecuteAsync(new RecordCertificate("证", "X-1", "机关", Today, null), Admin, Op());

        Assert.Equal((StaffOutcome.IllegalMove, StaffState.Left), (refused.Outcome, refused.State));
        Assert.Equal([StaffCommandType.Rejoin, StaffCommandType.LinkAccount, StaffCommandType.ErasePersonalData], refused.AllowedMoves);
        Assert.Equal((2, 1, true), ((await Roster.GetSummaryAsync()).Total, (await Roster.GetSummaryAsync()).Certified, (await Roster.GetSummaryAsync()).MeetsRatio));
    }

    [Fact]
    public async Task Commands_need_the_organisations_admin_and_an_operation_id_and_a_repeat_is_a_replay()
    {
        var person = fixture.Grains.GetGrain<IStaffGrain>("st-" + Guid.NewGuid().ToString("N"));
        var register = new RegisterStaff(Org, new StaffDetails("钱七", StaffPost.Staff, EducationLevel.Bachelor, 2, null,
            new ProtectedField("cipher-of-the-id", "110101********1234"), null), null);

        var outsider = await person.ExecuteAsync(register, Admin with { Roles = StaffRole.None }, Op());
        var noId = await person.ExecuteAsync(register, Admin, "");
        var op = Op();
        var first = await person.ExecuteAsync(register, Admin, op);
        var repeat = await person.ExecuteAsync(register, Admin, op);

        Assert.Equal((StaffOutcome.Forbidden, StaffOutcome.Invalid), (outsider.Outcome, noId.Outcome));
        Assert.True(first.Ok && !first.Replay && repeat.Ok && repeat.Replay);
        Assert.Equal(1, (await person.GetAsync())!.Version);
        var row = ClusterFixture.People.RowOf(person.GetPrimaryKeyString())!;
        Assert.Equal(("110101********1234", Org.Key), (row.NationalIdMasked, row.Organisation));
        Assert.Equal([StaffCommandType.Register], ClusterFixture.People.HistoryOf(person.GetPrimaryKeyString()).Select(h => h.Command));
    }

    [Fact]
    public async Task Only_a_passed_basic_training_of_the_current_post_opens_the_posts_roles_and_a_change_of_post_asks_for_it_again()
    {
        var person = await RegisterAsync("孙八");
        Assert.False((await person.GetAsync())!.BasicTrainingPassed);

        var skills = await person.ExecuteAsync(new RecordTraining(TrainingKind.OperatingSkills, "设备操作", Today, 95, 60), Admin, Op());
        var failed = await person.ExecuteAsync(new RecordTraining(TrainingKind.PostBasics, "工作人员岗位基础", Today, 59, 60), Admin, Op());
        Assert.True(skills.Ok && failed.Ok, skills.Message ?? failed.Message);
        Assert.False(failed.Staff!.BasicTrainingPassed);

        var passed = await person.ExecuteAsync(new RecordTraining(TrainingKind.PostBasics, "工作人员岗位基础", Today, 60, 60), Admin, Op());
        Assert.True(passed.Staff!.BasicTrainingPassed);

        var promoted = await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails(null, StaffPost.Manager, null, null, null, null, null)), Admin, Op());
        Assert.False(promoted.Staff!.BasicTrainingPassed);
        var invalid = await person.ExecuteAsync(new RecordTraining(TrainingKind.PostBasics, "管理岗位基础", Today, 101, 60), Admin, Op());
        Assert.Equal(StaffOutcome.Invalid, invalid.Outcome);
        Assert.Equal(["RecordTraining"], ClusterFixture.People.HistoryOf(person.GetPrimaryKeyString()).Select(h => h.Command.ToString()).Distinct()
            .Where(c => c == "RecordTraining"));
    }

    [Fact]
    public async Task Each_history_entry_keeps_the_post_held_after_it_so_the_growth_record_sees_a_change_of_post()
    {
        var person = await RegisterAsync("周九");
        await person.ExecuteAsync(new RecordTraining(TrainingKind.PostBasics, "工作人员岗位基础", Today, 80, 60), Admin, Op());
        await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails(null, StaffPost.Manager, null, null, null, null, null)), Admin, Op());
        await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails(null, null, null, 5, null, null, null)), Admin, Op());

        var history = ClusterFixture.People.HistoryOf(person.GetPrimaryKeyString());
        Assert.Equal(
            [(StaffCommandType.Register, StaffPost.Staff), (StaffCommandType.RecordTraining, StaffPost.Staff), (StaffCommandType.UpdateRecord, StaffPost.Manager),
                (StaffCommandType.UpdateRecord, StaffPost.Manager)],
            history.Select(h => (h.Command, h.Post!.Value)));
    }

    [Fact]
    public void The_ratio_rule_is_at_least_half_at_the_exact_boundary()
    {
        Assert.True(StaffRules.MeetsRatio(50, 100));
        Assert.False(StaffRules.MeetsRatio(49, 100));
        Assert.True(StaffRules.MeetsRatio(1, 2));
        Assert.False(StaffRules.MeetsRatio(1, 3));
        Assert.True(StaffRules.MeetsRatio(0, 0));
    }
}
