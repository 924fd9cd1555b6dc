using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Operations;

/// <summary>Plans, drills and campaigns in their grains: the corrections of issue 14 and the rules the tables do not show.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PlanGrainTests(ClusterFixture fixture)
{
    private readonly OpsBench _bench = new(fixture.Grains, "plg");
    private static RecordingOperationsJournal Journal => ClusterFixture.Operations;

    [Fact]
    public async Task The_operator_writes_a_plan_for_a_party_and_only_management_approves_it()
    {
        var plan = _bench.Plan(_bench.NewId("plan"));
        var op = OpsBench.Actor(OpsCaller.Operator);

        Assert.True((await plan.ExecuteAsync(new CreatePlan(_bench.Party, "网络安全事件应急预案", "网络攻击", OpsBench.Complete()), op, OpsBench.Op())).Ok);
        Assert.True((await plan.ExecuteAsync(new SubmitPlan(), op, OpsBench.Op())).Ok);
        var selfApproval = await plan.ExecuteAsync(new ApprovePlan(null), op, OpsBench.Op());
        var approved = await plan.ExecuteAsync(new ApprovePlan(1), OpsBench.Actor(OpsCaller.Management), OpsBench.Op());

        Assert.Equal(OpsOutcome.Forbidden, selfApproval.Outcome);
        Assert.True(approved.Ok, approved.Message);
        var effective = (await plan.GetEffectiveAsync())!;
        Assert.Equal((_bench.Party, 1, "management"), (effective.PartyId, effective.Version, effective.ApprovedBy));
        Assert.Equal("operator", (await plan.GetAsync())!.Plan.CreatedBy);
        Assert.Equal([(1L, "Create"), (2L, "Submit"), (3L, "Approve")], Journal.HistoryOf(plan.GetPrimaryKeyString()));
        Assert.Equal(3, Journal.PlanOf(plan.GetPrimaryKeyString())!.Summary.Revision);
    }

    [Fact]
    public async Task A_repeated_operation_id_answers_the_first_result_as_a_replay_and_applies_nothing()
    {
        var plan = await _bench.PlanInAsync(PlanState.Submitted);
        var op = OpsBench.Op();

        var first = await plan.ExecuteAsync(new ApprovePlan(null), OpsBench.Actor(OpsCaller.Management), op);
        var repeat = await plan.ExecuteAsync(new ApprovePlan(null), OpsBench.Actor(OpsCaller.Management), op);

        Assert.True(first.Ok && !first.Replay);
        Assert.True(repeat.Ok && repeat.Replay);
        Assert.Equal(first.Plan!.Revision, repeat.Plan!.Revision);
        Assert.Equal(first.Plan.Revision, (await plan.GetAsync())!.Plan.Revision);
    }

    [Fact]
    public async Task An_incomplete_plan_cannot_be_submitted_and_the_answer_lists_what_is_missing()
    {
        var plan = await _bench.PlanInAsync(PlanState.Draft, new PlanContent([new PlanDuty("总指挥", "王主任", null, null)], null, null, null, null, null));

        var result = await plan.ExecuteAsync(new SubmitPlan(), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());

        Assert.Equal((OpsOutcome.Invalid, PlanState.Draft), (result.Outcome, result.State!.Value));
        Assert.Contains(result.Errors!, e => Text.En(e).StartsWith("responseSteps", StringComparison.Ordinal));
        Assert.Contains(result.Errors!, e => Text.En(e).StartsWith("organisation: 总指挥", StringComparison.Ordinal));
        Assert.Equal(1, (await plan.GetAsync())!.Plan.Revision);
    }

    [Fact]
    public async Task An_edit_from_an_old_revision_is_a_version_conflict_and_changes_nothing()
    {
        var plan = await _bench.PlanInAsync(PlanState.Draft);
        Assert.True((await plan.ExecuteAsync(new SavePlanDraft(1, "新标题", null, null), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op())).Ok);

        var stale = await plan.ExecuteAsync(new SavePlanDraft(1, "旧稿", null, null), OpsBench.Actor(OpsCaller.Operator), OpsBench.Op());

        Assert.Equal((OpsOutcome.VersionConflict, 2L), (stale.Outcome, stale.Plan!.Revision));
        Assert.Equal("新标题", (await plan.GetAsync())!.Plan.Title);
    }

    [Fact]
    public async Task The_drill_cadence_in_force_is_the_approved_versions_and_a_new_draft_does_not_change_it()
    {
        var plan = await _bench.PlanInAsync(PlanState.Approved, OpsBench.Complete(drillEveryDays: 90));
        var revision = (await plan.GetAsync())!.Plan.Revision;

        Assert.True((await plan.ExecuteAsync(new SavePlanDraft(revision, null, null, OpsBench.Complete(drillEveryDays: 30)), OpsBench.Actor(OpsCaller.Operator),
            OpsBench.Op())).Ok);
        var waiting = (await plan.GetAsync())!;
        Assert.Equal((90, 2, 30), (waiting.Plan.DrillEveryDays, waiting.Plan.LatestVersion, waiting.LatestContent.DrillEveryDays));

        Assert.True((await plan.ExecuteAsync(new SubmitPlan(), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op())).Ok);
        Assert.True((await plan.ExecuteAsync(new ApprovePlan(2), OpsBench.Actor(OpsCaller.Management), OpsBench.Op())).Ok);
        Assert.Equal(30, (await plan.GetAsync())!.Plan.DrillEveryDays);
        Assert.Equal(PlanState.Superseded, (await plan.GetVersionAsync(1))!.Info.State);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public async Task A_drill_cadence_outside_one_day_to_ten_years_is_refused(int days)
    {
        var plan = _bench.Plan(_bench.NewId("plan"));

        var result = await plan.ExecuteAsync(new CreatePlan(_bench.Party, "预案", "场景", OpsBench.Complete(drillEveryDays: days)), OpsBench.Actor(OpsCaller.PartyUser),
            OpsBench.Op());

        Assert.Equal(OpsOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Errors!, e => Text.En(e).StartsWith("drillEveryDays", StringComparison.Ordinal));
        Assert.Null(await plan.GetAsync());
    }

    [Fact]
    public async Task A_plan_written_before_the_upgrade_starts_from_its_rows_and_its_revisions_go_on()
    {
        var id = _bench.NewId("legacy-plan");
        var at = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var v1 = new PlanVersionInfo(1, PlanState.Approved, "旧预案", "停电", "李工", at, "李工", at, "李工", at.AddDays(1), "王主任", at.AddDays(2), null, null,
            null, null);
        var content = OpsBench.Complete(drillEveryDays: 180);
        Journal.Legacy[id] = new PlanRecord(
            new PlanSummary(id, _bench.Party, "旧预案", "停电", 1, PlanState.Approved, 1, 3, "李工", at, at.AddDays(2), 180), Guid.NewGuid(),
            [new PlanVersionDocument(id, v1, content)]);
        var plan = _bench.Plan(id);

        var read = (await plan.GetAsync())!;
        Assert.Equal((PlanState.Approved, 1, 3L, 180), (read.Plan.LatestState, read.Plan.EffectiveVersion, read.Plan.Revision, read.Plan.DrillEveryDays));
        Assert.Equal("王主任", (await plan.GetEffectiveAsync())!.ApprovedBy);

        var redraft = await plan.ExecuteAsync(new SavePlanDraft(3, "旧预案（修订）", null, content), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());

        Assert.True(redraft.Ok, redraft.Message);
        Assert.Equal((4L, 2, PlanState.Draft, 1), (redraft.Plan!.Revision, redraft.Plan.LatestVersion, redraft.Plan.LatestState, redraft.Plan.EffectiveVersion));
        Assert.Equal([(4L, "SaveDraft")], Journal.HistoryOf(id));
        Assert.Equal(2, Journal.PlanOf(id)!.Versions.Count);
    }

    [Fact]
    public async Task Recording_a_drill_keeps_the_plan_version_in_force_at_that_moment()
    {
        var drill = await _bench.DrillInAsync(DrillState.Scheduled);
        var planId = (await drill.GetAsync())!.PlanId;

        var recorded = await drill.ExecuteAsync(OpsBench.Valid(DrillCommandType.Record, planId), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());

        Assert.True(recorded.Ok, recorded.Message);
        Assert.Equal((DrillState.Completed, 1, "partyuser"), (recorded.Drill!.State, recorded.Drill.PlanVersion, recorded.Drill.RecordedBy));
        Assert.Equal(_bench.Party, recorded.Drill.PartyId);
        Assert.Equal(DrillState.Completed, Journal.DrillOf(drill.GetPrimaryKeyString())!.State);
    }

    [Fact]
    public async Task A_scheduled_drill_whose_time_has_passed_is_overdue_until_it_is_recorded()
    {
        var now = ClusterFixture.GrainClock.GetUtcNow();
        var due = await _bench.DrillInAsync(DrillState.Scheduled, now.AddMinutes(-1));
        var ahead = await _bench.DrillInAsync(DrillState.Scheduled, now.AddDays(1));

        Assert.True((await due.GetAsync())!.Overdue);
        Assert.False((await ahead.GetAsync())!.Overdue);
        var planId = (await due.GetAsync())!.PlanId;
        Assert.True((await due.ExecuteAsync(OpsBench.Valid(DrillCommandType.Record, planId), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op())).Ok);
        Assert.False((await due.GetAsync())!.Overdue);
    }

    [Fact]
    public async Task A_drill_of_a_plan_that_does_not_exist_is_refused_and_not_scheduled()
    {
        var drill = _bench.Drill(_bench.NewId("drill"));

        var result = await drill.ExecuteAsync(new ScheduleDrill(_bench.NewId("no-plan"), "断电", ClusterFixture.GrainClock.GetUtcNow()), OpsBench.Actor(OpsCaller.PartyUser),
            OpsBench.Op());

        Assert.Equal(OpsOutcome.Invalid, result.Outcome);
        Assert.Null(await drill.GetAsync());
    }

    [Fact]
    public async Task An_edit_sends_a_supported_campaign_back_to_the_operator_and_a_withdrawal_ends_it()
    {
        var campaign = await _bench.CampaignInAsync(CampaignState.Supported);

        var edited = await campaign.ExecuteAsync(new EditCampaign("国庆假期文旅推广（延长）", null, null, new DateOnly(2027, 10, 8), null),
            OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());

        Assert.True(edited.Ok, edited.Message);
        Assert.Equal((CampaignState.Pending, CampaignSupport.Pending, new DateOnly(2027, 10, 8)), (edited.Campaign!.State, edited.Campaign.Support, edited.Campaign.EndsOn));
        Assert.Null(edited.Campaign.SupportedBy);

        var withdrawn = await campaign.ExecuteAsync(new WithdrawCampaign("活动取消"), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());
        var support = await campaign.ExecuteAsync(new DecideCampaign(true, null), OpsBench.Actor(OpsCaller.Operator), OpsBench.Op());

        Assert.Equal((CampaignState.Withdrawn, "活动取消"), (withdrawn.Campaign!.State, withdrawn.Campaign.WithdrawReason));
        Assert.Equal(OpsOutcome.IllegalMove, support.Outcome);
        Assert.Equal([(1L, "Register"), (2L, "Support"), (3L, "Edit"), (4L, "Withdraw")], Journal.HistoryOf(campaign.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task An_edit_that_would_end_a_campaign_before_it_starts_is_refused()
    {
        var campaign = await _bench.CampaignInAsync(CampaignState.Pending);

        var result = await campaign.ExecuteAsync(new EditCampaign(null, null, null, new DateOnly(2027, 9, 1), null), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());

        Assert.Equal(OpsOutcome.Invalid, result.Outcome);
        Assert.Equal((new DateOnly(2027, 10, 7), 1L), ((await campaign.GetAsync())!.EndsOn, (await campaign.GetAsync())!.Version));
    }

    [Fact]
    public async Task A_drill_and_a_campaign_written_before_the_upgrade_start_from_their_rows()
    {
        var at = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var drillId = _bench.NewId("legacy-drill");
        Journal.Legacy[drillId] = new DrillView(drillId, "plan-old", _bench.Party, "断电", at, DrillState.Scheduled, null, null, null, [], [], [], null, null, "李工",
            null, null, at, 1, false, at);
        var campaignId = _bench.NewId("legacy-camp");
        Journal.Legacy[campaignId] = new CampaignView(campaignId, _bench.Party, "春节", CampaignKind.Holiday, new DateOnly(2027, 2, 1), new DateOnly(2027, 2, 7), "",
            CampaignSupport.Supported, "支持", "运营", at, "李工", at, at, CampaignState.Supported, null, null, 2, Guid.NewGuid());

        var cancelled = await _bench.Drill(drillId).ExecuteAsync(new CancelDrill("改期"), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());
        var withdrawn = await _bench.Campaign(campaignId).ExecuteAsync(new WithdrawCampaign("取消"), OpsBench.Actor(OpsCaller.PartyUser), OpsBench.Op());

        Assert.Equal((DrillState.Cancelled, 2L, "李工"), (cancelled.Drill!.State, cancelled.Drill.Version, cancelled.Drill.ScheduledBy));
        Assert.Equal((CampaignState.Withdrawn, 3L, CampaignSupport.Supported), (withdrawn.Campaign!.State, withdrawn.Campaign.Version, withdrawn.Campaign.Support));
        Assert.Equal([(3L, "Withdraw")], Journal.HistoryOf(campaignId));
    }
}
