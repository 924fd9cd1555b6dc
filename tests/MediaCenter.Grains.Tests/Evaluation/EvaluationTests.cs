using MediaCenter.Grains.Evaluation;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Supervision;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Evaluation;

/// <summary>Yearly evaluations (F12.1, §12.1–12.3): the table, weights, the three parties, bands, a fail's rectifications, an excellent result's reward.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EvaluationTests(ClusterFixture fixture)
{
    private const int Year = 2026;
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator | OpsRole.Management);
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);
    private static readonly OpsActor OperatorOnly = new(Guid.NewGuid(), "值班员", OpsRole.Operator);
    private static readonly OpsActor Center = new(Guid.NewGuid(), "中心管理员", OpsRole.Party);
    private static readonly SurveyActor Staff = new(Guid.NewGuid(), "运营方", SurveyRole.Staff);

    private static readonly List<EvaluationCriterion> Criteria = [new("service", "服务质量", 60), new("content", "内容建设", 40)];

    private readonly string _party = "ev-" + Guid.NewGuid().ToString("N")[..8];

    private static string Op() => Guid.NewGuid().ToString("N");

    private IEvaluationGrain Grain(int year = Year) => fixture.Grains.GetGrain<IEvaluationGrain>(EvaluationWorkflow.IdOf(_party, year));

    private static async Task<EvaluationView> MustAsync(IEvaluationGrain grain, EvaluationCommand command, OpsActor actor)
    {
        var result = await grain.ExecuteAsync(command, actor, Op());
        Assert.True(result.Ok, Text.En(result.Message));
        return result.Evaluation!;
    }

    /// <summary>Planned, criteria set, started.</summary>
    private async Task<IEvaluationGrain> StartedAsync(int year = Year)
    {
        var grain = Grain(year);
        await MustAsync(grain, new PlanEvaluation(_party, year, null), Operator);
        await MustAsync(grain, new DefineEvaluation(Criteria, null), Operator);
        await MustAsync(grain, new StartEvaluation(), Operator);
        return grain;
    }

    /// <summary>Every party scores every criterion with the same score: the total is that score.</summary>
    private static async Task<EvaluationView> ScoredAsync(IEvaluationGrain grain, decimal score)
    {
        foreach (var c in Criteria)
        {
            await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Authority, c.Code, score, null), Management);
            await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Public, c.Code, score, null), Management);
            await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Center, c.Code, score, null), Center);
        }

        return await MustAsync(grain, new CompleteEvaluation(), Operator);
    }

    [Fact]
    public void The_table_allows_exactly_these_moves_to_exactly_these_roles()
    {
        const OpsRole Runner = OpsRole.Operator | OpsRole.Management;
        var expected = new Dictionary<(EvaluationState?, EvaluationCommandType), OpsRole>
        {
            [(null, EvaluationCommandType.Plan)] = Runner,
            [(EvaluationState.Planned, EvaluationCommandType.Define)] = Runner,
            [(EvaluationState.Planned, EvaluationCommandType.AddEvidence)] = Runner | OpsRole.Party,
            [(EvaluationState.Planned, EvaluationCommandType.Start)] = Runner,
            [(EvaluationState.InProgress, EvaluationCommandType.Score)] = OpsRole.Management | OpsRole.Party,
            [(EvaluationState.InProgress, EvaluationCommandType.LinkSurvey)] = Runner,
            [(EvaluationState.InProgress, EvaluationCommandType.AddEvidence)] = Runner | OpsRole.Party,
            [(EvaluationState.InProgress, EvaluationCommandType.AddFinding)] = Runner,
            [(EvaluationState.InProgress, EvaluationCommandType.OpenRectification)] = Runner,
            [(EvaluationState.InProgress, EvaluationCommandType.Complete)] = Runner,
            [(EvaluationState.Scored, EvaluationCommandType.AddEvidence)] = Runner | OpsRole.Party,
            [(EvaluationState.Scored, EvaluationCommandType.AddFinding)] = Runner,
            [(EvaluationState.Scored, EvaluationCommandType.OpenRectification)] = Runner,
            [(EvaluationState.Scored, EvaluationCommandType.Reopen)] = OpsRole.Management,
            [(EvaluationState.Scored, EvaluationCommandType.Conclude)] = OpsRole.Management,
            [(EvaluationState.Concluded, EvaluationCommandType.AddFinding)] = Runner,
            [(EvaluationState.Concluded, EvaluationCommandType.OpenRectification)] = Runner,
            [(EvaluationState.Concluded, EvaluationCommandType.Close)] = OpsRole.Management,
        };
        EvaluationState?[] states = [null, .. Enum.GetValues<EvaluationState>()];
        foreach (var state in states)
        {
            foreach (var command in Enum.GetValues<EvaluationCommandType>())
            {
                foreach (var role in new[] { OpsRole.Party, OpsRole.Operator, OpsRole.Management })
                {
                    var allowed = expected.TryGetValue((state, command), out var roles) && roles.HasFlag(role);
                    Assert.True(allowed == EvaluationWorkflow.Table.AllowedIn(state, role).Contains(command), $"{state?.ToString() ?? "(new)"} × {command} × {role}");
                }
            }
        }

        Assert.True(EvaluationWorkflow.MayScore(EvaluationParty.Center, OpsRole.Party));
        Assert.False(EvaluationWorkflow.MayScore(EvaluationParty.Center, OpsRole.Management | OpsRole.Operator));
        Assert.False(EvaluationWorkflow.MayScore(EvaluationParty.Authority, OpsRole.Party));
        Assert.True(EvaluationWorkflow.MayScore(EvaluationParty.Public, OpsRole.Management));
    }

    [Fact]
    public async Task Scoring_starts_only_on_criteria_whose_weights_sum_to_100()
    {
        var grain = Grain();
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new PlanEvaluation(_party, Year, null), Center, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new PlanEvaluation(_party, Year + 1, null), Operator, Op())).Outcome);
        var planned = await MustAsync(grain, new PlanEvaluation(_party, Year, null), Operator);
        Assert.Equal((EvaluationState.Planned, _party, Year, EvaluationBands.Default), (planned.State, planned.PartyId, planned.Year, planned.Bands));

        var none = await grain.ExecuteAsync(new StartEvaluation(), Operator, Op());
        Assert.Equal(OpsOutcome.Invalid, none.Outcome);

        var short90 = await grain.ExecuteAsync(new DefineEvaluation([new("a", "甲", 60), new("b", "乙", 30)], null), Operator, Op());
        Assert.Equal(OpsOutcome.Invalid, short90.Outcome);
        Assert.Contains("sum to 90", Text.En(short90.Message), StringComparison.Ordinal);
        var over = await grain.ExecuteAsync(new DefineEvaluation([new("a", "甲", 60), new("b", "乙", 50)], null), Operator, Op());
        Assert.Contains("sum to 110", Text.En(over.Message), StringComparison.Ordinal);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new DefineEvaluation([new("a", "甲", 50), new("a", "乙", 50)], null), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new DefineEvaluation([new("a", "甲", 0), new("b", "乙", 100)], null), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new DefineEvaluation(Criteria, new EvaluationBands(80m, 90m, 60m)), Operator, Op())).Outcome);

        var defined = await MustAsync(grain, new DefineEvaluation(Criteria, new EvaluationBands(95m, 85m, 70m)), Operator);
        Assert.Equal((100, 95m), (defined.Criteria.Sum(c => c.Weight), defined.Bands.Excellent));
        Assert.Equal(EvaluationState.InProgress, (await MustAsync(grain, new StartEvaluation(), Operator)).State);

        // Criteria are fixed once scoring started.
        Assert.Equal(OpsOutcome.IllegalMove, (await grain.ExecuteAsync(new DefineEvaluation(Criteria, null), Operator, Op())).Outcome);
    }

    [Fact]
    public async Task Each_party_scores_for_itself_and_the_total_is_weighted_on_the_fake_clock()
    {
        var grain = await StartedAsync();
        ClusterFixture.GrainClock.Advance(TimeSpan.FromMinutes(7));
        var at = ClusterFixture.GrainClock.GetUtcNow();

        // The center's self-assessment is the center's; the authority's and the public's are entered by management.
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Center, "service", 90m, null), Management, Op())).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 90m, null), Center, Op())).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 90m, null), OperatorOnly, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 100.01m, null), Management, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "nope", 80m, null), Management, Op())).Outcome);

        var operation = Op();
        var first = await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 90m, "窗口服务规范"), Management, operation);
        Assert.True(first.Ok);
        Assert.True((await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 90m, "窗口服务规范"), Management, operation)).Replay);
        Assert.Equal(at, Assert.Single(first.Evaluation!.Scores).At);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Center, "service", 80m, null), Center);

        // Not complete while a criterion has no score, nor while a party has not scored at all.
        var unscored = await grain.ExecuteAsync(new CompleteEvaluation(), Operator, Op());
        Assert.Contains("content", Text.En(unscored.Message), StringComparison.Ordinal);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Authority, "content", 70m, null), Management);
        var unheard = await grain.ExecuteAsync(new CompleteEvaluation(), Operator, Op());
        Assert.Equal(OpsOutcome.Invalid, unheard.Outcome);
        Assert.Contains("Public", Text.En(unheard.Message), StringComparison.Ordinal);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Public, "content", 60m, null), Management);

        // service: (90 + 80) / 2 = 85; content: (70 + 60) / 2 = 65; 0.6 × 85 + 0.4 × 65 = 77.
        var scored = await MustAsync(grain, new CompleteEvaluation(), Operator);
        Assert.Equal((EvaluationState.Scored, 77m), (scored.State, scored.Total));
        Assert.Equal(OpsOutcome.IllegalMove, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 10m, null), Management, Op())).Outcome);

        // Reopening (management, with a reason) clears the total until the scores are fixed again.
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ReopenEvaluation("复核"), OperatorOnly, Op())).Outcome);
        var reopened = await MustAsync(grain, new ReopenEvaluation("主管部门复核"), Management);
        Assert.Equal((EvaluationState.InProgress, (decimal?)null), (reopened.State, reopened.Total));
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Authority, "service", 100m, null), Management);
        Assert.Equal(80m, (await MustAsync(grain, new CompleteEvaluation(), Operator)).Total);
        Assert.Equal(EvaluationGrade.Good, (await MustAsync(grain, new ConcludeEvaluation("良好", null, null), Management)).Result);

        var id = grain.GetPrimaryKeyString();
        Assert.Equal(EvaluationGrade.Good, ClusterFixture.Evaluations.RowOf(id)!.Result);
        Assert.Equal([EvaluationCommandType.Plan, EvaluationCommandType.Define, EvaluationCommandType.Start], ClusterFixture.Evaluations.HistoryOf(id).Take(3).Select(h => h.Command));
    }

    [Theory]
    [InlineData("90", EvaluationGrade.Excellent)]
    [InlineData("89.99", EvaluationGrade.Good)]
    [InlineData("80", EvaluationGrade.Good)]
    [InlineData("79.99", EvaluationGrade.Pass)]
    [InlineData("60", EvaluationGrade.Pass)]
    [InlineData("59.99", EvaluationGrade.Fail)]
    [InlineData("0", EvaluationGrade.Fail)]
    [InlineData("100", EvaluationGrade.Excellent)]
    public void The_default_bands_include_their_lower_bound(string total, EvaluationGrade grade) =>
        Assert.Equal(grade, EvaluationBands.Default.GradeOf(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task A_total_exactly_on_the_pass_band_passes_and_one_hundredth_below_fails()
    {
        var pass = await StartedAsync();
        Assert.Equal(60m, (await ScoredAsync(pass, 60m)).Total);
        Assert.Equal(EvaluationGrade.Pass, (await MustAsync(pass, new ConcludeEvaluation(null, null, null), Management)).Result);

        var fail = await StartedAsync(Year - 1);
        Assert.Equal(59.99m, (await ScoredAsync(fail, 59.99m)).Total);
        Assert.Equal(OpsOutcome.Invalid, (await fail.ExecuteAsync(new ConcludeEvaluation(null, null, null), Management, Op())).Outcome);
    }

    [Fact]
    public async Task A_failing_result_needs_a_rectification_with_a_person_responsible_and_closes_only_once_it_is_done()
    {
        var grain = await StartedAsync();
        await ScoredAsync(grain, 50m);

        var refused = await grain.ExecuteAsync(new ConcludeEvaluation("不合格", null, null), Management, Op());
        Assert.Equal(OpsOutcome.Invalid, refused.Outcome);
        Assert.Contains("rectification", Text.En(refused.Message), StringComparison.Ordinal);

        // A finding alone is not enough; its rectification needs a person responsible.
        await MustAsync(grain, new AddEvaluationFinding("服务窗口开放时间不足", "service"), Operator);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new ConcludeEvaluation(null, null, null), Management, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new OpenEvaluationRectification(1, " "), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new OpenEvaluationRectification(2, "王主任"), Operator, Op())).Outcome);
        var operation = Op();
        var opened = await grain.ExecuteAsync(new OpenEvaluationRectification(1, "王主任"), Operator, operation);
        Assert.True(opened.Ok, Text.En(opened.Message));
        Assert.True((await grain.ExecuteAsync(new OpenEvaluationRectification(1, "王主任"), Operator, operation)).Replay);
        var finding = opened.Evaluation!.Findings[0];
        Assert.Equal((EvaluationWorkflow.RectificationId(grain.GetPrimaryKeyString(), 1), "王主任"), (finding.RectificationId, finding.Responsible));

        var concluded = await MustAsync(grain, new ConcludeEvaluation("不合格，限期整改", null, null), Management);
        Assert.Equal((EvaluationState.Concluded, EvaluationGrade.Fail), (concluded.State, concluded.Result));

        var open = await grain.ExecuteAsync(new CloseEvaluation(null), Management, Op());
        Assert.Equal(OpsOutcome.Invalid, open.Outcome);
        Assert.Contains(finding.RectificationId!, Text.En(open.Message), StringComparison.Ordinal);

        // The center answers the rectification like any other, to done.
        var rectification = fixture.Grains.GetGrain<IRectificationGrain>(finding.RectificationId!);
        var view = (await rectification.GetAsync())!;
        Assert.Equal((_party, "evaluation", grain.GetPrimaryKeyString()), (view.PartyId, view.Source.Kind, view.Source.Reference));
        Assert.True((await rectification.ExecuteAsync(new PlanRectification([new("延长开放时间", "王主任", new DateOnly(2099, 1, 1))]), Center, Op())).Ok);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new CloseEvaluation(null), Management, Op())).Outcome);
        Assert.True((await rectification.ExecuteAsync(new CompleteRectificationAction(1, null), Center, Op())).Ok);
        Assert.True((await rectification.ExecuteAsync(new FinishRectification(null), Center, Op())).Ok);

        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new CloseEvaluation(null), OperatorOnly, Op())).Outcome);
        Assert.Equal(EvaluationState.Closed, (await MustAsync(grain, new CloseEvaluation("整改完成"), Management)).State);
        Assert.Empty(EvaluationWorkflow.Table.AllowedIn(EvaluationState.Closed));
    }

    [Fact]
    public async Task Any_result_waits_for_its_rectifications_and_an_accepted_explanation_ends_one()
    {
        var grain = await StartedAsync();
        await ScoredAsync(grain, 82m);
        await MustAsync(grain, new AddEvaluationFinding("公开信息更新不及时", null), Operator);
        var rectificationId = (await MustAsync(grain, new OpenEvaluationRectification(1, "张科长"), Operator)).Findings[0].RectificationId!;
        Assert.Equal(EvaluationGrade.Good, (await MustAsync(grain, new ConcludeEvaluation(null, null, null), Management)).Result);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new CloseEvaluation(null), Management, Op())).Outcome);

        // The center explains instead of rectifying (报备); once management accepts, the evaluation closes.
        var rectification = fixture.Grains.GetGrain<IRectificationGrain>(rectificationId);
        Assert.True((await rectification.ExecuteAsync(new FileExplanation("信息系统迁移期间暂停更新，已恢复"), Center, Op())).Ok);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new CloseEvaluation(null), Management, Op())).Outcome);
        Assert.Equal(RectificationState.Accepted, (await rectification.ExecuteAsync(new DecideExplanation(true, null), Management, Op())).State);
        Assert.Equal(EvaluationState.Closed, (await MustAsync(grain, new CloseEvaluation(null), Management)).State);
    }

    [Fact]
    public async Task An_excellent_result_records_the_reward_and_the_practice_to_promote()
    {
        var grain = await StartedAsync();
        Assert.Equal(95.5m, (await ScoredAsync(grain, 95.5m)).Total);
        var missing = await grain.ExecuteAsync(new ConcludeEvaluation("优秀", "通报表扬", null), Management, Op());
        Assert.Equal(OpsOutcome.Invalid, missing.Outcome);
        Assert.Contains("practice", Text.En(missing.Message), StringComparison.Ordinal);

        var concluded = await MustAsync(grain, new ConcludeEvaluation("优秀", "通报表扬并奖励 5 万元", "“文化夜市”直播经验在全市推广"), Management);
        Assert.Equal((EvaluationGrade.Excellent, "通报表扬并奖励 5 万元", "“文化夜市”直播经验在全市推广"), (concluded.Result, concluded.Reward, concluded.Practice));
        Assert.Equal(EvaluationState.Closed, (await MustAsync(grain, new CloseEvaluation(null), Management)).State);
    }

    [Fact]
    public async Task The_publics_score_is_the_mean_rating_of_a_linked_survey_times_twenty()
    {
        var survey = fixture.Grains.GetGrain<ISurveyGrain>("svy-" + Guid.NewGuid().ToString("N")[..12]);
        var surveyId = survey.GetPrimaryKeyString();
        Assert.True((await survey.ExecuteAsync(new DefineSurvey("满意度", null, [new(SurveyQuestionKind.Rating, "总体满意度", null, true), new(SurveyQuestionKind.Text, "建议", null)], null),
            Staff, Op())).Ok);
        var grain = await StartedAsync();

        // A draft has no answers to take.
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new LinkEvaluationSurvey(surveyId, "service"), Operator, Op())).Outcome);
        Assert.True((await survey.ExecuteAsync(new PublishSurvey(), Staff, Op())).Ok);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new LinkEvaluationSurvey(surveyId, "service"), Operator, Op())).Outcome);
        foreach (var rating in new[] { 5, 4, 4 })
        {
            Assert.True((await survey.ExecuteAsync(new AnswerSurvey([new(1, null, rating, null)], false), SurveyActor.Respondent, Op())).Ok);
        }

        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new LinkEvaluationSurvey(surveyId, "nope"), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new LinkEvaluationSurvey(surveyId, "service"), Center, Op())).Outcome);
        var linked = await MustAsync(grain, new LinkEvaluationSurvey(surveyId, "service"), Operator);

        // (5 + 4 + 4) / 3 = 4.33 → 86.6.
        Assert.Equal((surveyId, 4.33m, 3, 86.6m), (linked.Survey!.SurveyId, linked.Survey.MeanRating, linked.Survey.Ratings, linked.Survey.Score));
        var score = Assert.Single(linked.Scores);
        Assert.Equal((EvaluationParty.Public, "service", 86.6m, surveyId), (score.Party, score.Criterion, score.Score, score.SurveyId));

        // A fourth answer and a second link: the survey's score is replaced, not added.
        Assert.True((await survey.ExecuteAsync(new AnswerSurvey([new(1, null, 1, null)], false), SurveyActor.Respondent, Op())).Ok);
        var relinked = await MustAsync(grain, new LinkEvaluationSurvey(surveyId, "service"), Operator);
        Assert.Equal(70m, Assert.Single(relinked.Scores).Score);
    }

    [Fact]
    public async Task Evidence_is_a_typed_reference_that_must_exist_where_it_can_be_asked()
    {
        var grain = Grain();
        await MustAsync(grain, new PlanEvaluation(_party, Year, "年度评价"), Operator);
        var record = fixture.Grains.GetGrain<ISupervisionRecordGrain>("sup-" + Guid.NewGuid().ToString("N")[..12]);
        Assert.True((await record.ExecuteAsync(new PlanSupervision(SupervisionKind.ManagerVisit, "走访", _party, null, null, null), Operator, Op())).Ok);

        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new AddEvaluationEvidence(EvaluationEvidenceKind.Ticket, "TK-NOPE", null), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new AddEvaluationEvidence(EvaluationEvidenceKind.Indicator, "ind-nope", null), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new AddEvaluationEvidence(EvaluationEvidenceKind.Supervision, "sup-nope", null), Operator, Op())).Outcome);
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new AddEvaluationEvidence(EvaluationEvidenceKind.Report, "report.xlsx", null), Operator, Op())).Outcome);

        await MustAsync(grain, new AddEvaluationEvidence(EvaluationEvidenceKind.Supervision, record.GetPrimaryKeyString(), "管理者走访"), Operator);
        var view = await MustAsync(grain, new AddEvaluationEvidence(EvaluationEvidenceKind.Report, "/api/v1/reports/pack.xlsx?from=2026-01&to=2026-12", null), Center);
        Assert.Equal([(1, EvaluationEvidenceKind.Supervision), (2, EvaluationEvidenceKind.Report)], view.Evidence.Select(e => (e.Number, e.Kind)));
    }

    [Fact]
    public async Task A_ticket_is_evidence_only_about_the_center_it_was_assigned_to()
    {
        var grain = Grain();
        await MustAsync(grain, new PlanEvaluation(_party, Year, "年度评价"), Operator);
        var mine = await TicketAsync("party:" + _party);
        var others = await TicketAsync("party:" + _party + "-other");
        var operators = await TicketAsync(MediaCenter.Grains.People.Organisation.OperatorKey);
        var unassigned = await TicketAsync(null);

        foreach (var foreign in new[] { others, operators, unassigned })
        {
            var refused = await grain.ExecuteAsync(new AddEvaluationEvidence(EvaluationEvidenceKind.Ticket, foreign, null), Operator, Op());
            Assert.Equal(OpsOutcome.Invalid, refused.Outcome);
            Assert.Contains(foreign, Text.En(refused.Message), StringComparison.Ordinal);
        }

        var cited = await MustAsync(grain, new AddEvaluationEvidence(EvaluationEvidenceKind.Ticket, mine, "投诉处理"), Center);
        Assert.Equal((EvaluationEvidenceKind.Ticket, mine), (Assert.Single(cited.Evidence).Kind, cited.Evidence[0].Reference));
    }

    /// <summary>A ticket accepted and, when <paramref name="assignee"/> is given, assigned to it.</summary>
    private async Task<string> TicketAsync(string? assignee)
    {
        var staff = new TicketActor(Guid.NewGuid(), "受理员", TicketActorKind.PlatformStaff);
        var ticket = fixture.Grains.GetGrain<ITicketGrain>("T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());
        Assert.True((await ticket.ExecuteAsync(new SubmitTicket(TicketKind.Complaint, null, TicketSource.Phone, "大屏过亮", "晚上太亮", null, null), staff, Op())).Ok);
        Assert.True((await ticket.ExecuteAsync(new AcceptTicket(), staff, Op())).Ok);
        if (assignee is not null)
        {
            Assert.True((await ticket.ExecuteAsync(new AssignTicket(assignee, null), staff, Op())).Ok);
        }

        return ticket.GetPrimaryKeyString();
    }
}
