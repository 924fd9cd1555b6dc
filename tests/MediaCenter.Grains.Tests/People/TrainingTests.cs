using MediaCenter.Grains.People;
using MediaCenter.Grains.Tests.Incidents;

namespace MediaCenter.Grains.Tests.People;

/// <summary>An organisation's training (F8.2): plans, sessions, the passes on the staff records and re-training obligations, on the grains' fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainingTests(ClusterFixture fixture)
{
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
    private static readonly StaffActor Trainer = new(Admin.UserId, Admin.Name, StaffRole.OrganisationAdmin | StaffRole.Trainer);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly string _party = "trn-" + Guid.NewGuid().ToString("N")[..8];

    private Organisation Org => Organisation.Party(_party);

    private ITrainingGrain Training => fixture.Grains.GetGrain<ITrainingGrain>(Org.Key);

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ClusterFixture.GrainClock.GetUtcNow(), Shanghai).DateTime);

    private static string Op() => Guid.NewGuid().ToString("N");

    private async Task<(IStaffGrain Grain, string Id)> RegisterAsync(string name, StaffPost post = StaffPost.Staff)
    {
        var id = "st-" + Guid.NewGuid().ToString("N");
        var person = fixture.Grains.GetGrain<IStaffGrain>(id);
        var result = await person.ExecuteAsync(new RegisterStaff(Org, new StaffDetails(name, post, EducationLevel.Bachelor, 5, ["计算机"], null, null), null), Admin, Op());
        Assert.True(result.Ok, result.Message);
        return (person, id);
    }

    private async Task<TrainingResult> RunAsync(TrainingCommand command)
    {
        var result = await Training.ExecuteAsync(command, Trainer, Op());
        Assert.True(result.Ok, result.Message is null ? null : Text.En(result.Message));
        return result;
    }

    private async Task<string> ActivePlanAsync(StaffPost post, TrainingKind kind = TrainingKind.PostBasics, TrainingCadence cadence = TrainingCadence.Once,
        params string[] skills)
    {
        var id = "tp-" + Guid.NewGuid().ToString("N")[..8];
        await RunAsync(new CreateTrainingPlan(id, post, kind, kind + " " + post, cadence, skills, 60));
        await RunAsync(new ActivateTrainingPlan(id));
        return id;
    }

    /// <summary>Runs a session of the plan through to its close: everyone scored attends.</summary>
    private async Task<TrainingSession> HoldAsync(string planId, params (string Person, int Score)[] scores)
    {
        var id = "ts-" + Guid.NewGuid().ToString("N")[..8];
        await RunAsync(new ScheduleTrainingSession(id, planId, null, false, null, ClusterFixture.GrainClock.GetUtcNow().AddDays(1), "三楼会议室",
            [new TrainingMaterial("岗位手册", "https://example.org/manual.pdf")], null));
        await RunAsync(new EnrolTraining(id, [.. scores.Select(s => s.Person)]));
        await RunAsync(new RecordTrainingAttendance(id, [.. scores.Select(s => s.Person)]));
        await RunAsync(new RecordTrainingScores(id, [.. scores.Select(s => new TrainingScore(s.Person, s.Score, null))]));
        return (await RunAsync(new CloseTrainingSession(id))).Session!;
    }

    /// <summary>Staff records report to the training one-way: waits until the person's obligations satisfy the condition.</summary>
    private async Task<IReadOnlyList<TrainingObligationView>> ObligationsAsync(string personId, Func<IReadOnlyList<TrainingObligationView>, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var list = await Training.ObligationsOfAsync(personId);
            if (until(list) || DateTime.UtcNow > deadline)
            {
                return list;
            }

            await Task.Delay(50);
        }
    }

    private static IEnumerable<TrainingObligation> Open(IEnumerable<TrainingObligationView> list) =>
        list.Select(v => v.Obligation).Where(o => o.State == ObligationState.Open);

    [Fact]
    public async Task A_closed_session_passes_attendees_at_or_above_the_pass_mark_and_not_below_and_writes_both_onto_their_records()
    {
        var plan = await ActivePlanAsync(StaffPost.Staff);
        var (passer, passerId) = await RegisterAsync("王合格");
        var (failer, failerId) = await RegisterAsync("李差一分");
        await ObligationsAsync(passerId, l => Open(l).Any());
        await ObligationsAsync(failerId, l => Open(l).Any());

        var session = await HoldAsync(plan, (passerId, 60), (failerId, 59));

        Assert.Equal(TrainingSessionState.Closed, session.State);
        Assert.Equal([(passerId, true), (failerId, false)], session.Attendees.Select(a => (a.PersonId, a.Passed == true)).ToList());
        var passed = Assert.Single((await passer.GetAsync())!.Trainings!);
        var failed = Assert.Single((await failer.GetAsync())!.Trainings!);
        Assert.Equal((60, 60, true, Today), (passed.Score, passed.PassMark, passed.Passed, passed.CompletedOn));
        Assert.Equal((59, false), (failed.Score, failed.Passed));
        Assert.Equal(ObligationState.Fulfilled, (await Training.ObligationsOfAsync(passerId)).Single(v => v.Obligation.PlanId == plan).Obligation.State);
        Assert.Equal(ObligationState.Open, (await Training.ObligationsOfAsync(failerId)).Single(v => v.Obligation.PlanId == plan).Obligation.State);
    }

    [Fact]
    public async Task Passing_the_post_basics_session_lifts_the_role_gate_and_a_failed_one_does_not()
    {
        var plan = await ActivePlanAsync(StaffPost.Manager);
        var (person, id) = await RegisterAsync("赵经理", StaffPost.Manager);
        Assert.False((await person.GetAsync())!.BasicTrainingPassed);

        await HoldAsync(plan, (id, 40));
        Assert.False((await person.GetAsync())!.BasicTrainingPassed);

        await HoldAsync(plan, (id, 85));
        Assert.True((await person.GetAsync())!.BasicTrainingPassed);
    }

    [Fact]
    public async Task A_change_of_post_drops_the_old_posts_obligations_and_owes_the_new_posts_plans_within_thirty_days()
    {
        var staffPlan = await ActivePlanAsync(StaffPost.Staff);
        var managerPlan = await ActivePlanAsync(StaffPost.Manager, TrainingKind.OperatingSkills);
        var (person, id) = await RegisterAsync("孙调岗");
        var joined = Assert.Single(Open(await ObligationsAsync(id, l => Open(l).Any())));
        Assert.Equal((staffPlan, ObligationReason.Joined), (joined.PlanId, joined.Reason));

        Assert.True((await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails(null, StaffPost.Manager, null, null, null, null, null)), Admin, Op())).Ok);

        var owed = Assert.Single(Open(await ObligationsAsync(id, l => Open(l).Any(o => o.PlanId == managerPlan))));
        Assert.Equal((managerPlan, ObligationReason.PostChanged, Today.AddDays(30)), (owed.PlanId, owed.Reason, owed.Due));
        Assert.Equal(ObligationState.Dropped, (await Training.ObligationsOfAsync(id)).Single(v => v.Obligation.PlanId == staffPlan).Obligation.State);
    }

    [Fact]
    public async Task A_skill_change_of_an_active_plan_asks_its_post_to_train_again_and_a_title_change_does_not()
    {
        var plan = await ActivePlanAsync(StaffPost.ServicePost, TrainingKind.OperatingSkills, TrainingCadence.Once, "智能设备操作");
        var (_, id) = await RegisterAsync("周服务", StaffPost.ServicePost);
        await ObligationsAsync(id, l => Open(l).Any());
        await HoldAsync(plan, (id, 90));
        Assert.Empty(Open(await Training.ObligationsOfAsync(id)));

        await RunAsync(new UpdateTrainingPlan(plan, "服务岗位操作技能（第二版）", null, null, null));
        Assert.Empty(Open(await Training.ObligationsOfAsync(id)));

        await RunAsync(new UpdateTrainingPlan(plan, null, null, ["智能设备操作", "自助终端故障处理"], null));
        var again = Assert.Single(Open(await Training.ObligationsOfAsync(id)));
        Assert.Equal((ObligationReason.PlanChanged, Today.AddDays(30)), (again.Reason, again.Due));
    }

    [Fact]
    public async Task A_new_review_level_asks_the_newsroom_posts_to_train_again_and_hearing_the_same_levels_again_does_not()
    {
        var basics = await ActivePlanAsync(StaffPost.Staff);
        var skills = await ActivePlanAsync(StaffPost.Staff, TrainingKind.OperatingSkills, TrainingCadence.Once, "稿件审核");
        var security = await ActivePlanAsync(StaffPost.Staff, TrainingKind.Security, TrainingCadence.Yearly);
        var service = await ActivePlanAsync(StaffPost.ServicePost);
        var (_, editor) = await RegisterAsync("吴编辑");
        var (_, clerk) = await RegisterAsync("郑服务", StaffPost.ServicePost);
        await ObligationsAsync(editor, l => Open(l).Count() == 3);
        await ObligationsAsync(clerk, l => Open(l).Any());
        await HoldAsync(basics, (editor, 90));
        await HoldAsync(skills, (editor, 90));
        await HoldAsync(security, (editor, 90));
        await HoldAsync(service, (clerk, 90));
        Assert.Empty(Open(await Training.ObligationsOfAsync(editor)));

        // The same levels, or fewer, are no new business.
        Assert.Equal(0, await Training.HearReviewLevelsAsync("trn-home", 2, 2));
        Assert.Equal(0, await Training.HearReviewLevelsAsync("trn-home", 2, 1));
        Assert.Empty(Open(await Training.ObligationsOfAsync(editor)));

        // A third level: the newsroom post owes its basics and operating skills again, within thirty days; the service post nothing.
        Assert.Equal(2, await Training.HearReviewLevelsAsync("trn-home", 1, 3));
        var owed = Open(await Training.ObligationsOfAsync(editor)).OrderBy(o => o.PlanId == skills).ToList();
        Assert.Equal([(basics, ObligationReason.BusinessChanged, Today.AddDays(30)), (skills, ObligationReason.BusinessChanged, Today.AddDays(30))],
            owed.Select(o => (o.PlanId, o.Reason, o.Due)).ToList());
        Assert.Empty(Open(await Training.ObligationsOfAsync(clerk)));

        // Heard again (a retried request sees the levels already set): nothing more; a further new level while owed keeps the due
        // dates; once the basics are passed again, the next new level owes them again.
        Assert.Equal(0, await Training.HearReviewLevelsAsync("trn-home", 3, 3));
        Assert.Equal(0, await Training.HearReviewLevelsAsync("trn-home", 2, 3));
        await HoldAsync(basics, (editor, 80));
        Assert.Equal([skills], Open(await Training.ObligationsOfAsync(editor)).Select(o => o.PlanId).ToList());
        Assert.Equal(1, await Training.HearReviewLevelsAsync("trn-home", 2, 3));
        Assert.Equal(new[] { basics, skills }.Order(StringComparer.Ordinal),
            Open(await Training.ObligationsOfAsync(editor)).Select(o => o.PlanId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_channel_raising_its_review_levels_tells_its_partys_training_from_its_own_state_and_a_retry_opens_nothing_more()
    {
        var basics = await ActivePlanAsync(StaffPost.Staff);
        var (_, editor) = await RegisterAsync("王审核");
        await ObligationsAsync(editor, l => Open(l).Any());
        await HoldAsync(basics, (editor, 90));
        Assert.Empty(Open(await Training.ObligationsOfAsync(editor)));
        var channel = fixture.Grains.GetGrain<MediaCenter.Grains.Newsroom.IChannelGrain>(_party + "-news");
        await channel.ConfigureAsync(1, [MediaCenter.Grains.Newsroom.PublishTarget.Pc], Op(), _party);
        Assert.Empty(Open(await Training.ObligationsOfAsync(editor)));

        // Two levels where there was one: told by the channel, not by whoever asked it.
        var op = Op();
        Assert.Equal(2, (await channel.ConfigureAsync(2, [MediaCenter.Grains.Newsroom.PublishTarget.Pc], op, _party)).ReviewLevels);
        var owed = Assert.Single(Open(await Training.ObligationsOfAsync(editor)));
        Assert.Equal((basics, ObligationReason.BusinessChanged), (owed.PlanId, owed.Reason));

        // The same request again (an answer lost on the way): the training heard it once; the obligation stays the one opened.
        await channel.ConfigureAsync(2, [MediaCenter.Grains.Newsroom.PublishTarget.Pc], op, _party);
        Assert.Equal([owed.Id], Open(await Training.ObligationsOfAsync(editor)).Select(o => o.Id).ToArray());
    }

    [Fact]
    public async Task An_overdue_obligation_is_flagged_and_reminded_to_the_organisations_admins_once()
    {
        await ActivePlanAsync(StaffPost.Staff, TrainingKind.Security);
        var (_, id) = await RegisterAsync("吴逾期");
        var owed = Assert.Single(Open(await ObligationsAsync(id, l => Open(l).Any())));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(30));
        await Training.ReviewAsync();
        Assert.False((await Training.ObligationsOfAsync(id)).Single().Overdue);
        Assert.Empty(ClusterFixture.AlertCentre.NotificationsStartingWith($"people:{Org.Key}:training-overdue"));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(2));
        await Training.ReviewAsync();
        await Training.ReviewAsync();

        Assert.True((await Training.ObligationsOfAsync(id)).Single().Overdue);
        var reminder = Assert.Single(ClusterFixture.AlertCentre.NotificationsStartingWith($"people:{Org.Key}:training-overdue"));
        Assert.Equal(("party:" + _party, "trainingOverdue"), (reminder.Audience, reminder.Kind));
        Assert.Contains("吴逾期", Text.En(reminder.Title), StringComparison.Ordinal);
        Assert.Contains(owed.Due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Text.Zh(reminder.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_yearly_plan_asks_again_once_the_last_pass_is_a_year_old()
    {
        var plan = await ActivePlanAsync(StaffPost.Staff, TrainingKind.Confidentiality, TrainingCadence.Yearly);
        var (_, id) = await RegisterAsync("郑保密");
        await ObligationsAsync(id, l => Open(l).Any());
        await HoldAsync(plan, (id, 75));
        var passedOn = Today;

        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(300));
        await Training.ReviewAsync();
        Assert.Empty(Open(await Training.ObligationsOfAsync(id)));

        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(70));
        await Training.ReviewAsync();
        await Training.ReviewAsync();
        var next = Assert.Single(Open(await Training.ObligationsOfAsync(id)));
        Assert.Equal((ObligationReason.Periodic, passedOn.AddYears(1), passedOn.AddYears(1).AddDays(30)), (next.Reason, next.Since, next.Due));
    }

    [Fact]
    public async Task Sessions_follow_their_table_and_only_trainers_run_them()
    {
        var plan = await ActivePlanAsync(StaffPost.Staff);
        var session = "ts-" + Guid.NewGuid().ToString("N")[..8];
        await RunAsync(new ScheduleTrainingSession(session, plan, "外部安全培训", true, "某培训机构", ClusterFixture.GrainClock.GetUtcNow(), null, null, 80));

        var early = await Training.ExecuteAsync(new CloseTrainingSession(session), Trainer, Op());
        var member = await Training.ExecuteAsync(new CancelTrainingSession(session), new StaffActor(Guid.NewGuid(), "成员", StaffRole.OrganisationAdmin), Op());
        var noOne = await Training.ExecuteAsync(new RecordTrainingAttendance(session, []), Trainer, Op());
        var closeEmpty = await Training.ExecuteAsync(new CloseTrainingSession(session), Trainer, Op());

        Assert.Equal(StaffOutcome.IllegalMove, early.Outcome);
        Assert.Equal(StaffOutcome.Forbidden, member.Outcome);
        Assert.True(noOne.Ok);
        Assert.Equal(StaffOutcome.Invalid, closeEmpty.Outcome);
        Assert.Contains("every attendee needs a score", Text.En(closeEmpty.Message!), StringComparison.Ordinal);
        var draft = await Training.ExecuteAsync(new ScheduleTrainingSession("ts-x-" + Guid.NewGuid().ToString("N")[..6], "tp-none", null, false, null,
            ClusterFixture.GrainClock.GetUtcNow(), null, null, null), Trainer, Op());
        Assert.Equal(StaffOutcome.Invalid, draft.Outcome);
    }
}
