using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Tests.Incidents;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>The rectification (整改) and explanation (报备) flows with their roles, on the grains' fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RectificationTests(ClusterFixture fixture)
{
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator);
    private static readonly OpsActor PartyAdmin = new(Guid.NewGuid(), "接入方管理员", OpsRole.Party);

    private readonly string _id = "rect-t-" + Guid.NewGuid().ToString("N")[..12];

    private static RecordingAlertCentreJournal Alerts => ClusterFixture.AlertCentre;

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ClusterFixture.GrainClock.GetUtcNow(),
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);

    private IRectificationGrain Grain => fixture.Grains.GetGrain<IRectificationGrain>(_id);

    private static string Op() => Guid.NewGuid().ToString("N");

    public static TheoryData<RectificationState?, RectificationCommandType> Rows()
    {
        var data = new TheoryData<RectificationState?, RectificationCommandType>();
        foreach (var row in RectificationWorkflow.Table)
        {
            data.Add(row.From, row.Command);
        }

        return data;
    }

    private async Task<RectificationResult> Do(RectificationCommand command, OpsActor actor)
    {
        return await Grain.ExecuteAsync(command, actor, Op());
    }

    private async Task OpenAsync()
    {
        var opened = await Do(new OpenRectification("party-r", new RectificationSource("indicator", "ind-x/party-r/2026-10", "按时率 2026-10", "60 / ≥ 80")), Management);
        Assert.True(opened.Ok, opened.Message);
    }

    [Fact]
    public void The_party_answers_and_only_management_decides_on_an_explanation()
    {
        var table = RectificationWorkflow.Table;
        Assert.All(table.Where(t => t.Command is RectificationCommandType.Analyse or RectificationCommandType.Plan or RectificationCommandType.CompleteAction
            or RectificationCommandType.Finish or RectificationCommandType.File), t => Assert.Equal(OpsRole.Party, t.Roles));
        Assert.All(table.Where(t => t.Command is RectificationCommandType.Accept or RectificationCommandType.Reject), t => Assert.Equal(OpsRole.Management, t.Roles));
        Assert.Empty(table.AllowedIn(RectificationState.Done));
        Assert.Empty(table.AllowedIn(RectificationState.Accepted));
    }

    [Fact]
    public async Task Management_cannot_write_the_partys_analysis_or_plan()
    {
        await OpenAsync();

        Assert.Equal(OpsOutcome.Forbidden, (await Do(new AnalyseRectification("管理方代写"), Management)).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await Do(new AnalyseRectification("运营方代写"), Operator)).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await Do(new PlanRectification([new("x", "y", Today)]), Management)).Outcome);
        Assert.Null((await Grain.GetAsync())!.Analysis);

        var analysed = await Do(new AnalyseRectification("派稿集中在月底"), PartyAdmin);
        Assert.Equal((RectificationState.Open, "派稿集中在月底"), (analysed.State, analysed.Rectification!.Analysis));
    }

    [Fact]
    public async Task A_rectification_is_tracked_action_by_action_to_done()
    {
        await OpenAsync();
        Assert.Equal(OpsOutcome.Invalid, (await Do(new PlanRectification([new("调整排班", null, Today.AddDays(7))]), PartyAdmin)).Outcome);
        var planned = await Do(new PlanRectification([new("调整排班", "张三", Today.AddDays(7)), new("增加审核人", "李四", Today.AddDays(14))]), PartyAdmin);
        Assert.Equal(RectificationState.Planned, planned.State);

        Assert.True((await Do(new CompleteRectificationAction(1, "已完成"), PartyAdmin)).Ok);
        Assert.Equal(OpsOutcome.Invalid, (await Do(new FinishRectification(null), PartyAdmin)).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await Do(new CompleteRectificationAction(1, null), PartyAdmin)).Outcome);
        Assert.True((await Do(new CompleteRectificationAction(2, null), PartyAdmin)).Ok);
        var done = await Do(new FinishRectification("全部完成"), PartyAdmin);

        Assert.Equal(RectificationState.Done, done.State);
        Assert.All(done.Rectification!.Actions, a => Assert.Equal("接入方管理员", a.DoneBy));
        Assert.Equal(RectificationState.Done, ClusterFixture.Indicators.RectificationRow(_id)!.State);
        Assert.Equal([RectificationCommandType.Open, RectificationCommandType.Plan, RectificationCommandType.CompleteAction, RectificationCommandType.CompleteAction,
            RectificationCommandType.Finish], (await Grain.GetHistoryAsync()).Select(h => h.Command));
    }

    [Fact]
    public async Task An_overdue_action_is_reminded_to_the_party_once()
    {
        await OpenAsync();
        await Do(new PlanRectification([new("调整排班", "张三", Today.AddDays(1)), new("培训", "李四", Today.AddDays(30))]), PartyAdmin);

        Assert.Equal(0, await Grain.CheckOverdueAsync());
        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(2));
        var first = await Grain.CheckOverdueAsync();
        var second = await Grain.CheckOverdueAsync();

        Assert.Equal((1, 0), (first, second));
        var reminder = Assert.Single(Alerts.NotificationsStartingWith($"rect:{_id}:overdue:"));
        Assert.Equal(($"rect:{_id}:overdue:1", "party:party-r"), (reminder.Id, reminder.Audience));
        Assert.True((await Grain.GetAsync())!.Actions[0].OverdueReminded);
    }

    [Fact]
    public async Task A_party_cannot_accept_its_own_explanation_and_management_rejects_with_a_comment()
    {
        await OpenAsync();
        var filed = await Do(new FileExplanation("本月系统升级停机两天"), PartyAdmin);
        Assert.Equal(RectificationState.Filed, filed.State);

        Assert.Equal(OpsOutcome.Forbidden, (await Do(new DecideExplanation(true, null), PartyAdmin)).Outcome);
        // Even holding management's role, the one who filed it (or a user of the party) does not accept it.
        var self = await Grain.ExecuteAsync(new DecideExplanation(true, null), PartyAdmin with { Roles = OpsRole.Party | OpsRole.Management }, Op());
        Assert.Equal(OpsOutcome.Forbidden, self.Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await Do(new DecideExplanation(false, " "), Management)).Outcome);

        var rejected = await Do(new DecideExplanation(false, "停机已提前报备，不影响派稿"), Management);
        Assert.Equal((RectificationState.Open, "管理方"), (rejected.State, rejected.Rectification!.DecidedBy));
        await Do(new FileExplanation("补充说明"), PartyAdmin);
        var accepted = await Do(new DecideExplanation(true, "同意"), Management);
        Assert.Equal(RectificationState.Accepted, accepted.State);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_row_names_a_role(RectificationState? from, RectificationCommandType command) =>
        Assert.NotEqual(OpsRole.None, RectificationWorkflow.Table.Find(from, command)!.Roles);
}
