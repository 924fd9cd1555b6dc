using MediaCenter.Grains.People;
using MediaCenter.Grains.Tests.Messages;

namespace MediaCenter.Grains.Tests.People;

/// <summary>Appraisal (考核与激励, F8.3): schemes, the appraisal's table, the figures, the total and the grade bands, on the grains' fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AppraisalTests(ClusterFixture fixture)
{
    private const string EndedMonth = "2026-10";
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
    private static readonly StaffActor Appraiser = new(Admin.UserId, Admin.Name, StaffRole.Appraiser);

    private static readonly AppraisalGradeBand[] Bands =
        [new("优秀", 90), new("良好", 75), new("合格", 60), new("不合格", 0)];

    private readonly string _party = "apr-" + Guid.NewGuid().ToString("N")[..8];

    private Organisation Org => Organisation.Party(_party);

    private IAppraisalSchemeGrain Schemes => fixture.Grains.GetGrain<IAppraisalSchemeGrain>(Org.Key);

    private static string Op() => Guid.NewGuid().ToString("N");

    /// <summary>Staff: pitches filed (target 10, 40 points), review turnaround (≤ 24 h, 20 points), and 40 points by hand.</summary>
    private static AppraisalScheme StaffScheme() => new(StaffPost.Staff,
        [new(AppraisalMeasures.PitchesFiled, 40, 10), new(AppraisalMeasures.ReviewTurnaroundMedianHours, 20, 24, LowerIsBetter: true)],
        [new("工作态度", 40)], Bands);

    private async Task SetSchemesAsync(params AppraisalScheme[] schemes)
    {
        var result = await Schemes.SetAsync(new SetAppraisalSchemes(schemes), Appraiser, Op());
        Assert.True(result.Ok, Text.En(result.Message));
    }

    private async Task<(string PersonId, StaffActor Person)> RegisterAsync(string name, StaffPost post = StaffPost.Staff)
    {
        var id = "st-" + Guid.NewGuid().ToString("N");
        var account = new StaffActor(Guid.NewGuid(), name, StaffRole.Appraisee);
        var result = await fixture.Grains.GetGrain<IStaffGrain>(id).ExecuteAsync(
            new RegisterStaff(Org, new StaffDetails(name, post, EducationLevel.Bachelor, 5, [], null, null), account.UserId), Admin, Op());
        Assert.True(result.Ok, Text.En(result.Message));
        return (id, account);
    }

    private IAppraisalGrain Appraisal(string personId, string period = EndedMonth) =>
        fixture.Grains.GetGrain<IAppraisalGrain>(AppraisalWorkflow.KeyOf(personId, period));

    private static async Task<Appraisal> RunAsync(IAppraisalGrain grain, AppraisalCommand command, StaffActor actor)
    {
        var result = await grain.ExecuteAsync(command, actor, Op());
        Assert.True(result.Ok, Text.En(result.Message));
        return result.Appraisal!;
    }

    [Fact]
    public async Task With_a_cadence_each_ended_period_opens_the_appraisal_of_everyone_whose_post_has_a_scheme_once()
    {
        var set = await Schemes.SetAsync(new SetAppraisalSchemes([StaffScheme()], AppraisalPeriodKind.Monthly), Appraiser, Op());
        Assert.True(set.Ok, Text.En(set.Message));
        Assert.Equal(AppraisalPeriodKind.Monthly, set.Schemes!.Cadence);
        var (first, _) = await RegisterAsync("王记者");
        var (second, _) = await RegisterAsync("赵记者");
        var (manager, _) = await RegisterAsync("钱主任", StaffPost.Manager);

        // The month that has ended on the grains' clock (other tests move it on), in Shanghai. One was opened by hand already.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var ended = AppraisalPeriod.LastEnded(AppraisalPeriodKind.Monthly,
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ClusterFixture.GrainClock.GetUtcNow(), shanghai).DateTime)).Name;
        await RunAsync(Appraisal(second, ended), new OpenAppraisal(), Appraiser);
        var opened = await Schemes.OpenDueAsync();

        Assert.Equal(1, opened);
        Assert.Equal(AppraisalState.Draft, (await Appraisal(first, ended).GetAsync())!.State);
        Assert.Equal(AppraisalState.Draft, (await Appraisal(second, ended).GetAsync())!.State);
        Assert.Null(await Appraisal(manager, ended).GetAsync());
        Assert.Equal(ended, (await Schemes.GetAsync())!.LastOpened);
        // A second look, or setting the schemes again, opens nothing more for the same period.
        Assert.Equal(0, await Schemes.OpenDueAsync());
        Assert.True((await Schemes.SetAsync(new SetAppraisalSchemes([StaffScheme()], AppraisalPeriodKind.Monthly), Appraiser, Op())).Ok);
        Assert.Equal(0, await Schemes.OpenDueAsync());
    }

    [Fact]
    public async Task Without_a_cadence_nothing_opens_by_itself_and_an_unknown_cadence_is_refused()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, _) = await RegisterAsync("孙编辑");

        Assert.Equal(0, await Schemes.OpenDueAsync());
        Assert.Null(await Appraisal(person, "2026-10").GetAsync());
        var refused = await Schemes.SetAsync(new SetAppraisalSchemes([StaffScheme()], (AppraisalPeriodKind)7), Appraiser, Op());
        Assert.Equal(StaffOutcome.Invalid, refused.Outcome);
        Assert.Null((await Schemes.GetAsync())!.Cadence);
    }

    [Theory]
    [InlineData(AppraisalPeriodKind.Monthly, "2026-01-01", "2025-12")]
    [InlineData(AppraisalPeriodKind.Monthly, "2026-11-30", "2026-10")]
    [InlineData(AppraisalPeriodKind.Quarterly, "2026-03-31", "2025-Q4")]
    [InlineData(AppraisalPeriodKind.Quarterly, "2026-04-01", "2026-Q1")]
    [InlineData(AppraisalPeriodKind.Quarterly, "2026-12-31", "2026-Q3")]
    [InlineData(AppraisalPeriodKind.Yearly, "2026-12-31", "2025")]
    public void The_last_ended_period_is_the_one_before_the_day(AppraisalPeriodKind kind, string day, string expected) =>
        Assert.Equal(expected, AppraisalPeriod.LastEnded(kind, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)).Name);

    [Fact]
    public async Task Opened_appraisal_computes_the_figures_of_the_ended_month_with_the_scheme_of_the_post()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, _) = await RegisterAsync("张记者");
        ClusterFixture.Appraisals.SetFigures(person, new Dictionary<string, double?>
        {
            [AppraisalMeasures.PitchesFiled] = 5,
            [AppraisalMeasures.ReviewTurnaroundMedianHours] = 48,
        });

        var opened = await RunAsync(Appraisal(person), new OpenAppraisal(), Appraiser);

        Assert.Equal(AppraisalState.Draft, opened.State);
        Assert.Equal(AppraisalPeriodKind.Monthly, opened.Period.Kind);
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)), (opened.Period.From, opened.Period.To));
        var window = ClusterFixture.Appraisals.AskedFor(person).Single();
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 16, 0, 0, TimeSpan.Zero), window.From.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 16, 0, 0, TimeSpan.Zero), window.To.ToUniversalTime());

        // Half the pitches' target is half their 40 points; twice the turnaround target is half its 20 points.
        Assert.Equal([20.0, 10.0], opened.Figures.Select(f => f.Points));
        Assert.Null(opened.Total);
        Assert.Equal(AppraisalState.Draft, ClusterFixture.Appraisals.RowOf(opened.Id)?.State);
    }

    [Fact]
    public async Task Recomputing_the_same_period_gives_the_same_figures()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, _) = await RegisterAsync("李编辑");
        ClusterFixture.Appraisals.SetFigures(person, new Dictionary<string, double?> { [AppraisalMeasures.PitchesFiled] = 7 });
        var grain = Appraisal(person);
        var opened = await RunAsync(grain, new OpenAppraisal(), Appraiser);

        var again = await RunAsync(grain, new RecomputeAppraisal(), Appraiser);

        Assert.Equal(opened.Figures, again.Figures);
        var windows = ClusterFixture.Appraisals.AskedFor(person);
        Assert.Equal(2, windows.Count);
        Assert.Equal(windows[0], windows[1]);
        Assert.Null(again.Figures.Single(f => f.Measure == AppraisalMeasures.ReviewTurnaroundMedianHours).Value);
    }

    [Fact]
    public async Task Scored_disputed_rescored_acknowledged_and_closed_with_an_incentive_and_goals()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, account) = await RegisterAsync("王主播");
        ClusterFixture.Appraisals.SetFigures(person, new Dictionary<string, double?>
        {
            [AppraisalMeasures.PitchesFiled] = 10,
            [AppraisalMeasures.ReviewTurnaroundMedianHours] = 12,
        });
        var grain = Appraisal(person);
        await RunAsync(grain, new OpenAppraisal(), Appraiser);

        var scored = await RunAsync(grain, new ScoreAppraisal([new("工作态度", 50)], "态度需改进"), Appraiser);
        Assert.Equal((80.0, "良好"), (scored.Total!.Value, scored.Grade));

        var disputed = await RunAsync(grain, new DisputeAppraisal("病假期间不应计入"), account);
        Assert.Equal((AppraisalState.Disputed, "病假期间不应计入"), (disputed.State, disputed.DisputeReason));

        var rescored = await RunAsync(grain, new ScoreAppraisal([new("工作态度", 75)], "已核实"), Appraiser);
        Assert.Equal((AppraisalState.Scored, 90.0, "优秀"), (rescored.State, rescored.Total!.Value, rescored.Grade));

        await RunAsync(grain, new AcknowledgeAppraisal(), account);
        await RunAsync(grain, new RecordIncentive(IncentiveKind.Bonus, 500m, "月度优秀"), Appraiser);
        var closed = await RunAsync(grain, new CloseAppraisal(), Appraiser);
        closed = await RunAsync(grain, new SetDevelopmentGoals([new DevelopmentGoal("完成融媒体采编培训", new DateOnly(2026, 12, 31))]), Appraiser);

        Assert.Equal(AppraisalState.Closed, closed.State);
        Assert.Equal(500m, closed.Incentives.Single().Amount);
        Assert.Single(closed.Goals);
        Assert.Equal(
            [AppraisalCommandType.Open, AppraisalCommandType.Score, AppraisalCommandType.Dispute, AppraisalCommandType.Score, AppraisalCommandType.Acknowledge,
                AppraisalCommandType.RecordIncentive, AppraisalCommandType.Close, AppraisalCommandType.SetGoals],
            ClusterFixture.Appraisals.HistoryOf(closed.Id).Select(h => h.Command));
    }

    [Theory]
    [InlineData(90, "优秀")]
    [InlineData(89, "良好")]
    [InlineData(75, "良好")]
    [InlineData(74, "合格")]
    [InlineData(60, "合格")]
    [InlineData(59, "不合格")]
    [InlineData(0, "不合格")]
    public async Task Grade_follows_the_bands_and_a_total_at_a_band_minimum_reaches_it(int score, string grade)
    {
        await SetSchemesAsync(new AppraisalScheme(StaffPost.Staff, [], [new("综合", 100)], Bands));
        var (person, _) = await RegisterAsync("赵干事");
        var grain = Appraisal(person);
        await RunAsync(grain, new OpenAppraisal(), Appraiser);

        var scored = await RunAsync(grain, new ScoreAppraisal([new("综合", score)], null), Appraiser);

        Assert.Equal((score, grade), ((int)scored.Total!.Value, scored.Grade));
    }

    [Fact]
    public void Grade_just_below_a_band_minimum_is_the_band_below()
    {
        Assert.Equal("良好", AppraisalWorkflow.GradeOf(89.99, Bands));
        Assert.Equal("优秀", AppraisalWorkflow.GradeOf(90.0, Bands));
        Assert.Null(AppraisalWorkflow.GradeOf(59.99, [new AppraisalGradeBand("合格", 60)]));
    }

    [Fact]
    public async Task Only_the_person_answers_and_only_in_the_states_the_table_allows()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, account) = await RegisterAsync("钱技术");
        var (_, colleague) = await RegisterAsync("孙同事");
        var grain = Appraisal(person);
        await RunAsync(grain, new OpenAppraisal(), Appraiser);

        var early = await grain.ExecuteAsync(new AcknowledgeAppraisal(), account, Op());
        Assert.Equal(StaffOutcome.IllegalMove, early.Outcome);
        Assert.Equal(["Recompute", "Score"], early.AllowedMoves);

        await RunAsync(grain, new ScoreAppraisal([new("工作态度", 80)], null), Appraiser);
        var other = await grain.ExecuteAsync(new AcknowledgeAppraisal(), colleague, Op());
        var byAppraiser = await grain.ExecuteAsync(new AcknowledgeAppraisal(), Appraiser, Op());
        var personScoring = await grain.ExecuteAsync(new ScoreAppraisal([new("工作态度", 100)], null), account, Op());
        var noReason = await grain.ExecuteAsync(new DisputeAppraisal(" "), account, Op());
        var closeEarly = await grain.ExecuteAsync(new CloseAppraisal(), Appraiser, Op());

        Assert.Equal(StaffOutcome.Forbidden, other.Outcome);
        Assert.Equal("Only the person appraised (the account linked to their record) may acknowledge or dispute.", Text.En(other.Message));
        Assert.Equal(StaffOutcome.Forbidden, byAppraiser.Outcome);
        Assert.Equal(StaffOutcome.Forbidden, personScoring.Outcome);
        Assert.Equal(StaffOutcome.Invalid, noReason.Outcome);
        Assert.Equal(StaffOutcome.IllegalMove, closeEarly.Outcome);
        Assert.Equal(AppraisalState.Scored, (await grain.GetAsync())!.State);
    }

    [Fact]
    public async Task Refused_before_the_period_ends_without_a_scheme_and_with_an_incomplete_score()
    {
        var (person, _) = await RegisterAsync("周新人");
        var noScheme = await Appraisal(person).ExecuteAsync(new OpenAppraisal(), Appraiser, Op());
        Assert.Equal(StaffOutcome.Invalid, noScheme.Outcome);

        await SetSchemesAsync(StaffScheme());
        var future = await Appraisal(person, "2030-Q1").ExecuteAsync(new OpenAppraisal(), Appraiser, Op());
        Assert.Equal(StaffOutcome.Invalid, future.Outcome);
        Assert.Contains("has not ended", Text.En(future.Message), StringComparison.Ordinal);
        var nobody = await Appraisal("st-nobody").ExecuteAsync(new OpenAppraisal(), Appraiser, Op());
        Assert.Equal(StaffOutcome.NotFound, nobody.Outcome);

        var grain = Appraisal(person);
        await RunAsync(grain, new OpenAppraisal(), Appraiser);
        var missing = await grain.ExecuteAsync(new ScoreAppraisal([], null), Appraiser, Op());
        var outOfRange = await grain.ExecuteAsync(new ScoreAppraisal([new("工作态度", 101)], null), Appraiser, Op());
        Assert.Equal((StaffOutcome.Invalid, StaffOutcome.Invalid), (missing.Outcome, outOfRange.Outcome));
        Assert.Equal(AppraisalState.Draft, (await grain.GetAsync())!.State);
    }

    [Fact]
    public async Task Repeated_operation_id_answers_the_first_result()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, _) = await RegisterAsync("吴记者");
        var grain = Appraisal(person);
        var op = Op();

        var first = await grain.ExecuteAsync(new OpenAppraisal(), Appraiser, op);
        var again = await grain.ExecuteAsync(new OpenAppraisal(), Appraiser, op);

        Assert.True(first.Ok);
        Assert.True(again.Replay);
        Assert.Equal(1, (await grain.GetAsync())!.Version);
    }

    [Fact]
    public async Task Schemes_refused_unless_weights_add_up_to_100_with_catalogue_measures_and_distinct_bands()
    {
        var offWeight = new AppraisalScheme(StaffPost.Staff, [new(AppraisalMeasures.PitchesFiled, 50, 10)], [new("态度", 40)], Bands);
        var unknown = new AppraisalScheme(StaffPost.Staff, [new("likes", 60, 10)], [new("态度", 40)], Bands);
        var sameBand = new AppraisalScheme(StaffPost.Staff, [], [new("综合", 100)], [new("优秀", 90), new("良好", 90)]);

        foreach (var scheme in new[] { offWeight, unknown, sameBand })
        {
            var refused = await Schemes.SetAsync(new SetAppraisalSchemes([scheme]), Appraiser, Op());
            Assert.Equal(StaffOutcome.Invalid, refused.Outcome);
        }

        Assert.Contains("add up to 100, not 90", Text.En((await Schemes.SetAsync(new SetAppraisalSchemes([offWeight]), Appraiser, Op())).Message),
            StringComparison.Ordinal);
        var notAdmin = await Schemes.SetAsync(new SetAppraisalSchemes([StaffScheme()]), new StaffActor(Guid.NewGuid(), "成员", StaffRole.Appraisee), Op());
        Assert.Equal(StaffOutcome.Forbidden, notAdmin.Outcome);
        Assert.Null(await Schemes.GetAsync());
    }

    [Fact]
    public async Task A_scheme_change_does_not_move_an_appraisal_already_opened()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, _) = await RegisterAsync("郑编导");
        var grain = Appraisal(person);
        await RunAsync(grain, new OpenAppraisal(), Appraiser);

        await SetSchemesAsync(new AppraisalScheme(StaffPost.Staff, [], [new("综合", 100)], Bands));
        var scored = await RunAsync(grain, new ScoreAppraisal([new("工作态度", 100)], null), Appraiser);

        Assert.Equal(2, scored.Figures.Count);
        Assert.Equal("工作态度", scored.ManualScores.Single().Name);
    }

    [Fact]
    public async Task Every_state_every_command_and_every_role_follow_the_table()
    {
        await SetSchemesAsync(StaffScheme());
        var (person, account) = await RegisterAsync("全表");
        var stranger = new StaffActor(Guid.NewGuid(), "旁人", StaffRole.Appraisee);
        var nobody = new StaffActor(Guid.NewGuid(), "无角色", StaffRole.None);
        AppraisalCommand Command(AppraisalCommandType type) => type switch
        {
            AppraisalCommandType.Open => new OpenAppraisal(),
            AppraisalCommandType.Recompute => new RecomputeAppraisal(),
            AppraisalCommandType.Score => new ScoreAppraisal([new("工作态度", 80)], null),
            AppraisalCommandType.Acknowledge => new AcknowledgeAppraisal(),
            AppraisalCommandType.Dispute => new DisputeAppraisal("理由"),
            AppraisalCommandType.Close => new CloseAppraisal(),
            AppraisalCommandType.RecordIncentive => new RecordIncentive(IncentiveKind.Commendation, null, "表彰"),
            _ => new SetDevelopmentGoals([new DevelopmentGoal("目标", null)]),
        };

        // The way to each state from nothing.
        var paths = new Dictionary<AppraisalState, (AppraisalCommandType Command, bool ByPerson)[]>
        {
            [AppraisalState.Draft] = [(AppraisalCommandType.Open, false)],
            [AppraisalState.Scored] = [(AppraisalCommandType.Open, false), (AppraisalCommandType.Score, false)],
            [AppraisalState.Disputed] = [(AppraisalCommandType.Open, false), (AppraisalCommandType.Score, false), (AppraisalCommandType.Dispute, true)],
            [AppraisalState.Acknowledged] = [(AppraisalCommandType.Open, false), (AppraisalCommandType.Score, false), (AppraisalCommandType.Acknowledge, true)],
            [AppraisalState.Closed] =
                [(AppraisalCommandType.Open, false), (AppraisalCommandType.Score, false), (AppraisalCommandType.Acknowledge, true), (AppraisalCommandType.Close, false)],
        };

        var period = 0;
        var failures = new List<string>();
        foreach (AppraisalState? state in new AppraisalState?[] { null }.Concat(Enum.GetValues<AppraisalState>().Cast<AppraisalState?>()))
        {
            foreach (var type in Enum.GetValues<AppraisalCommandType>())
            {
                foreach (var (who, actor) in new[] { ("appraiser", Appraiser), ("person", account), ("stranger", stranger), ("nobody", nobody) })
                {
                    var grain = Appraisal(person, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{2010 + period / 12}-{period % 12 + 1:00}"));
                    period++;
                    foreach (var (step, byPerson) in state is { } s ? paths[s] : [])
                    {
                        await RunAsync(grain, Command(step), byPerson ? account : Appraiser);
                    }

                    var row = AppraisalWorkflow.Transitions.SingleOrDefault(t => t.From == state && t.Command == type);
                    var expected = row is null ? state is null ? StaffOutcome.NotFound : StaffOutcome.IllegalMove
                        : (row.Roles & actor.Roles) == 0 || row.Roles == StaffRole.Appraisee && actor != account ? StaffOutcome.Forbidden
                        : StaffOutcome.Applied;
                    var result = await grain.ExecuteAsync(Command(type), actor, Op());
                    var after = (await grain.GetAsync())?.State;
                    if (result.Outcome != expected || (expected == StaffOutcome.Applied ? after != row!.To : after != state))
                    {
                        failures.Add($"{state?.ToString() ?? "(new)"} {type} by {who}: {result.Outcome} → {after}, expected {expected}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Periods_name_months_quarters_and_years()
    {
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1)), (AppraisalPeriod.Parse("2026-Q4")!.From, AppraisalPeriod.Parse("2026-Q4")!.To));
        Assert.Equal(AppraisalPeriodKind.Yearly, AppraisalPeriod.Parse("2026")!.Kind);
        Assert.Equal(new DateOnly(2027, 1, 1), AppraisalPeriod.Parse("2026-12")!.To);
        Assert.Null(AppraisalPeriod.Parse("2026-13"));
        Assert.Null(AppraisalPeriod.Parse("2026-Q5"));
        Assert.Equal(("st-a:b", "2026-11"), AppraisalWorkflow.ParseKey("st-a:b:2026-11") is var (p, period) ? (p, period.Name) : default);
    }
}
