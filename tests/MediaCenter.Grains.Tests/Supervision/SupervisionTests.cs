using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Supervision;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Supervision;

/// <summary>Supervision records, surveys and tickets opening rectifications (F11.2, §12.4.3): the tables, refusals and idempotency.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SupervisionTests(ClusterFixture fixture)
{
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator | OpsRole.Management);
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);
    private static readonly OpsActor PartyAdmin = new(Guid.NewGuid(), "接入方管理员", OpsRole.Party);
    private static readonly SurveyActor Staff = new(Guid.NewGuid(), "运营方", SurveyRole.Staff);

    private readonly string _party = "sv-" + Guid.NewGuid().ToString("N")[..8];

    private static string Op() => Guid.NewGuid().ToString("N");

    private ISupervisionRecordGrain NewRecord() => fixture.Grains.GetGrain<ISupervisionRecordGrain>("sup-" + Guid.NewGuid().ToString("N")[..12]);

    private ISurveyGrain NewSurvey() => fixture.Grains.GetGrain<ISurveyGrain>("svy-" + Guid.NewGuid().ToString("N")[..12]);

    private static async Task<SupervisionRecordView> MustAsync(ISupervisionRecordGrain grain, SupervisionCommand command, OpsActor actor)
    {
        var result = await grain.ExecuteAsync(command, actor, Op());
        Assert.True(result.Ok, result.Message);
        return result.Record!;
    }

    [Fact]
    public void Only_operators_and_management_supervise_and_a_closed_record_takes_no_more_moves()
    {
        Assert.All(SupervisionWorkflow.Table, t => Assert.Equal(OpsRole.Operator | OpsRole.Management, t.Roles));
        Assert.Empty(SupervisionWorkflow.Table.AllowedIn(SupervisionState.Closed));
        Assert.DoesNotContain(SupervisionCommandType.OpenRectification, SupervisionWorkflow.Table.AllowedIn(SupervisionState.Planned));
        Assert.Equal([SurveyRole.Respondent], SurveyWorkflow.Table.Where(t => t.Command == SurveyCommandType.Answer).Select(t => t.Roles));
    }

    [Fact]
    public async Task A_managers_visit_records_findings_and_a_finding_opens_one_rectification_of_the_party_that_the_record_tracks()
    {
        var grain = NewRecord();
        var id = grain.GetPrimaryKeyString();
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new PlanSupervision(SupervisionKind.ManagerVisit, "走访", _party, null, null, null), PartyAdmin, Op())).Outcome);
        await MustAsync(grain, new PlanSupervision(SupervisionKind.ManagerVisit, "走访文化站", _party, "home", new DateOnly(2026, 12, 8), null), Management);

        // No findings to rectify before the visit is recorded.
        Assert.Equal(OpsOutcome.IllegalMove, (await grain.ExecuteAsync(new OpenFindingRectification(1), Operator, Op())).Outcome);
        var empty = await grain.ExecuteAsync(new RecordSupervision(null, " ", null), Operator, Op());
        Assert.Equal(OpsOutcome.Invalid, empty.Outcome);
        Assert.Contains("summary", Text.En(empty.Message), StringComparison.OrdinalIgnoreCase);

        var done = await MustAsync(grain, new RecordSupervision(new DateOnly(2026, 12, 8), "站点整洁，开放时间公示不全", ["开放时间未公示"]), Operator);
        Assert.Equal((SupervisionState.Done, "运营方", 1), (done.State, done.DoneBy, done.Findings.Count));
        await MustAsync(grain, new AddSupervisionFinding("无障碍通道被占用"), Management);

        var operation = Op();
        var opened = await grain.ExecuteAsync(new OpenFindingRectification(2), Operator, operation);
        var repeated = await grain.ExecuteAsync(new OpenFindingRectification(2), Operator, operation);
        Assert.True(opened.Ok, opened.Message);
        Assert.True(repeated.Replay);
        var rectificationId = opened.Record!.Findings[1].RectificationId!;
        Assert.Equal(SupervisionWorkflow.RectificationId(id, 2), rectificationId);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new OpenFindingRectification(2), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new OpenFindingRectification(9), Operator, Op())).Outcome);

        var rectification = fixture.Grains.GetGrain<IRectificationGrain>(rectificationId);
        var view = (await rectification.GetAsync())!;
        Assert.Equal((_party, "supervision", id, "无障碍通道被占用"), (view.PartyId, view.Source.Kind, view.Source.Reference, view.Source.Detail));
        Assert.True((await rectification.ExecuteAsync(new PlanRectification([new("清理通道", "站长", new DateOnly(2099, 1, 1))]), PartyAdmin, Op())).Ok);
        Assert.True((await rectification.ExecuteAsync(new CompleteRectificationAction(1, null), PartyAdmin, Op())).Ok);
        Assert.Equal(RectificationState.Done, (await rectification.ExecuteAsync(new FinishRectification(null), PartyAdmin, Op())).State);

        var closed = await MustAsync(grain, new CloseSupervision(null), Operator);
        Assert.Equal(SupervisionState.Closed, closed.State);
        Assert.Equal(
            [SupervisionCommandType.Plan, SupervisionCommandType.Record, SupervisionCommandType.AddFinding, SupervisionCommandType.OpenRectification,
                SupervisionCommandType.Close],
            ClusterFixture.Supervision.HistoryOf(id).Select(h => h.Command));
        Assert.Equal(closed.Version, ClusterFixture.Supervision.RecordOf(id)!.Version);
    }

    [Fact]
    public async Task A_mystery_visit_is_visible_to_the_party_only_once_closed_and_a_record_without_a_party_opens_no_rectification()
    {
        var grain = NewRecord();
        var planned = await MustAsync(grain, new PlanSupervision(SupervisionKind.MysteryVisit, "暗访", _party, null, null, null), Operator);
        Assert.False(planned.VisibleToParty);
        await MustAsync(grain, new RecordSupervision(null, "态度一般", ["无人引导"]), Operator);
        Assert.True((await MustAsync(grain, new CloseSupervision("已反馈"), Operator)).VisibleToParty);

        var own = NewRecord();
        await MustAsync(own, new PlanSupervision(SupervisionKind.PublicSupervision, "媒体监督", null, null, null, null), Operator);
        await MustAsync(own, new RecordSupervision(null, "报道反映问题", ["大屏内容陈旧"]), Operator);
        Assert.Equal(OpsOutcome.Invalid, (await own.ExecuteAsync(new OpenFindingRectification(1), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await own.ExecuteAsync(new LinkSupervisionSurvey("svy-x"), Operator, Op())).Outcome);
    }

    [Fact]
    public async Task A_survey_is_answered_only_while_published_and_each_answer_counts_once_per_question()
    {
        var survey = NewSurvey();
        var id = survey.GetPrimaryKeyString();
        Assert.Equal(OpsOutcome.Invalid, (await survey.ExecuteAsync(new DefineSurvey("调查", null, [new(SurveyQuestionKind.Single, "只有一个选项", ["是"])], null), Staff, Op())).Outcome);
        var defined = await survey.ExecuteAsync(new DefineSurvey("满意度", null,
            [new(SurveyQuestionKind.Single, "来访频率", ["每周", "每月"], true), new(SurveyQuestionKind.Rating, "满意度", null, true), new(SurveyQuestionKind.Text, "建议", null)], null),
            Staff, Op());
        Assert.True(defined.Ok, defined.Message);

        AnswerSurvey Answer(int choice, int rating, string? text = null) => new([new(1, [choice], null, null), new(2, null, rating, null), new(3, null, null, text)], false);
        Assert.Equal(OpsOutcome.IllegalMove, (await survey.ExecuteAsync(Answer(1, 5), SurveyActor.Respondent, Op())).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await survey.ExecuteAsync(new PublishSurvey(), SurveyActor.Respondent, Op())).Outcome);
        Assert.True((await survey.ExecuteAsync(new PublishSurvey(), Staff, Op())).Ok);

        var key = Op();
        Assert.True((await survey.ExecuteAsync(Answer(1, 5, "多办讲座"), SurveyActor.Respondent, key)).Ok);
        Assert.True((await survey.ExecuteAsync(Answer(1, 5, "多办讲座"), SurveyActor.Respondent, key)).Replay);
        Assert.True((await survey.ExecuteAsync(Answer(2, 3), SurveyActor.Respondent, Op())).Ok);
        var missing = await survey.ExecuteAsync(new AnswerSurvey([new(3, null, null, "只写建议")], false), SurveyActor.Respondent, Op());
        Assert.Equal(OpsOutcome.Invalid, missing.Outcome);
        Assert.Contains("1", Text.En(missing.Message), StringComparison.Ordinal);
        Assert.Equal(OpsOutcome.Invalid, (await survey.ExecuteAsync(Answer(3, 5), SurveyActor.Respondent, Op())).Outcome);

        var view = (await survey.GetAsync())!;
        Assert.Equal(2, view.Responses);
        Assert.Equal([1, 1], view.Tallies[0].Counts);
        Assert.Equal([0, 0, 1, 0, 1], view.Tallies[1].Counts);
        Assert.Equal(["多办讲座"], view.Tallies[2].Texts);
        Assert.Equal(2, ClusterFixture.Supervision.AnswersOf(id).Count);

        Assert.True((await survey.ExecuteAsync(new CloseSurvey(), Staff, Op())).Ok);
        Assert.Equal(OpsOutcome.IllegalMove, (await survey.ExecuteAsync(Answer(1, 4), SurveyActor.Respondent, Op())).Outcome);
    }

    [Fact]
    public async Task A_consent_text_makes_consent_required_and_none_is_asked_by_default()
    {
        var survey = NewSurvey();
        Assert.True((await survey.ExecuteAsync(new DefineSurvey("回访意愿", null, [new(SurveyQuestionKind.Text, "联系电话", null, true)], "仅用于回访，保存 30 天"), Staff, Op())).Ok);
        Assert.True((await survey.ExecuteAsync(new PublishSurvey(), Staff, Op())).Ok);
        Assert.Equal(OpsOutcome.Invalid, (await survey.ExecuteAsync(new AnswerSurvey([new(1, null, null, "13800000000")], false), SurveyActor.Respondent, Op())).Outcome);
        Assert.True((await survey.ExecuteAsync(new AnswerSurvey([new(1, null, null, "13800000000")], true), SurveyActor.Respondent, Op())).Ok);
    }

    [Fact]
    public async Task A_handler_opens_a_rectification_from_a_ticket_of_a_party_and_nobody_else_can()
    {
        var staff = new TicketActor(Guid.NewGuid(), "受理员", TicketActorKind.PlatformStaff);
        var partyUser = new TicketActor(Guid.NewGuid(), "接入方", TicketActorKind.PartyUser, _party);
        var ticket = fixture.Grains.GetGrain<ITicketGrain>("T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());
        var id = ticket.GetPrimaryKeyString();
        Assert.True((await ticket.ExecuteAsync(new SubmitTicket(TicketKind.Complaint, null, TicketSource.Phone, "大屏过亮", "晚上太亮", null, null), staff, Op())).Ok);
        Assert.Equal(TicketOutcome.IllegalMove, (await ticket.ExecuteAsync(new OpenTicketRectification("夜间亮度", null), staff, Op())).Outcome);
        Assert.True((await ticket.ExecuteAsync(new AcceptTicket(), staff, Op())).Ok);
        Assert.True((await ticket.ExecuteAsync(new AssignTicket(MediaCenter.Grains.People.Organisation.OperatorKey, null), staff, Op())).Ok);
        Assert.Equal(TicketOutcome.Invalid, (await ticket.ExecuteAsync(new OpenTicketRectification("夜间亮度", null), staff, Op())).Outcome);
        Assert.True((await ticket.ExecuteAsync(new AssignTicket("party:" + _party, null), staff, Op())).Ok);
        Assert.Equal(TicketOutcome.Forbidden, (await ticket.ExecuteAsync(new OpenTicketRectification("夜间亮度", null), partyUser, Op())).Outcome);
        Assert.Equal(TicketOutcome.Invalid, (await ticket.ExecuteAsync(new OpenTicketRectification(" ", null), staff, Op())).Outcome);

        var operation = Op();
        var opened = await ticket.ExecuteAsync(new OpenTicketRectification("夜间亮度策略未执行", "核实属实"), staff, operation);
        var repeated = await ticket.ExecuteAsync(new OpenTicketRectification("夜间亮度策略未执行", "核实属实"), staff, operation);
        Assert.True(opened.Ok, opened.Message);
        Assert.True(repeated.Replay);
        var rectificationId = Assert.Single(opened.Ticket!.Rectifications!);
        var rectification = (await fixture.Grains.GetGrain<IRectificationGrain>(rectificationId).GetAsync())!;
        Assert.Equal((_party, "ticket", id, RectificationState.Open), (rectification.PartyId, rectification.Source.Kind, rectification.Source.Reference, rectification.State));
        Assert.Contains(ClusterFixture.Tickets.HistoryOf(id), h => h.Command == TicketCommandType.OpenRectification && h.Comment == rectificationId);

        // A second one is a new rectification, not the first again.
        var second = await ticket.ExecuteAsync(new OpenTicketRectification("回访不及时", null), staff, Op());
        Assert.Equal(2, second.Ticket!.Rectifications!.Distinct().Count());
    }
}
