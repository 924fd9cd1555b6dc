using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Tests.Incidents;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>Indicator definitions, the expression language and the month close, on the grains' fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IndicatorTests(ClusterFixture fixture)
{
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator);
    private static readonly OpsActor PartyAdmin = new(Guid.NewGuid(), "接入方管理员", OpsRole.Party);

    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];

    private static RecordingIndicatorJournal Journal => ClusterFixture.Indicators;

    private static RecordingAlertCentreJournal Alerts => ClusterFixture.AlertCentre;

    private static DateOnly LastMonth => IndicatorMonths.MonthOf(ClusterFixture.GrainClock.GetUtcNow()).AddMonths(-1);

    private static string Op() => Guid.NewGuid().ToString("N");

    private string Party(string name)
    {
        var id = $"{name}-{_tag}";
        Journal.AddParty(id);
        return id;
    }

    private async Task<IIndicatorGrain> ActiveAsync(string expression, IndicatorComparison comparison, double target, params string[] parties)
    {
        var grain = fixture.Grains.GetGrain<IIndicatorGrain>($"ind-{_tag}-{Guid.NewGuid():N}"[..24]);
        var defined = await grain.ExecuteAsync(new DefineIndicator("按时率", expression, comparison, target, [.. parties], "%"), Management, Op());
        Assert.True(defined.Ok, defined.Message);
        var active = await grain.ExecuteAsync(new ActivateIndicator(), Management, Op());
        Assert.True(active.Ok, active.Message);
        return grain;
    }

    private IIndicatorMonthGrain Months() => fixture.Grains.GetGrain<IIndicatorMonthGrain>("months-" + _tag);

    [Theory]
    [InlineData("100 * assignmentsOnTime / assignmentsSubmitted", 75.0)]
    [InlineData("storiesPublished + reviewsDone - 1", 12.0)]
    [InlineData("-(storiesPublished) * (2 + 3)", -25.0)]
    [InlineData("incidentMttaMinutes", null)]
    [InlineData("storiesPublished / (reviewsDone - 8)", null)]
    public void An_expression_over_measures_is_computed_and_a_missing_figure_or_a_division_by_zero_gives_no_value(string text, double? expected)
    {
        var expression = IndicatorExpression.TryParse(text, out var error);
        Assert.NotNull(expression);
        Assert.Null(error);

        var measures = new Dictionary<string, double?>
        {
            [IndicatorMeasures.AssignmentsOnTime] = 3,
            [IndicatorMeasures.AssignmentsSubmitted] = 4,
            [IndicatorMeasures.StoriesPublished] = 5,
            [IndicatorMeasures.ReviewsDone] = 8,
            [IndicatorMeasures.IncidentMttaMinutes] = null,
        };
        Assert.Equal(expected, expression.Evaluate(m => measures.GetValueOrDefault(m)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("storiesPublished +")]
    [InlineData("unknownMeasure * 2")]
    [InlineData("1; DROP TABLE mc.event_log")]
    [InlineData("(storiesPublished")]
    [InlineData("max(storiesPublished, 1)")]
    public void Anything_but_arithmetic_over_the_catalogue_is_refused(string text)
    {
        Assert.Null(IndicatorExpression.TryParse(text, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("unknownMeasure * 2", "Unknown measure unknownMeasure.", "未知度量 unknownMeasure")]
    [InlineData("(storiesPublished", "“)” expected at 18.", "第 18 个字符处缺少“)”")]
    [InlineData("1; 2", "Unexpected “;” at 2.", "第 2 个字符“;”不可识别")]
    [InlineData("storiesPublished +", "The expression ends too soon.", "表达式不完整")]
    public void A_refused_expression_says_why_in_the_readers_language(string text, string english, string chinese)
    {
        IndicatorExpression.TryParse(text, out var error);

        Assert.Equal((english, chinese), (Text.En(error), Text.Zh(error)));
    }

    [Fact]
    public async Task Management_defines_activates_and_retires_an_indicator_and_nobody_else_may()
    {
        var grain = fixture.Grains.GetGrain<IIndicatorGrain>("ind-life-" + _tag);
        var define = new DefineIndicator("发布量", IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 30, [], "篇");

        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(define, PartyAdmin, Op())).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(define, Operator, Op())).Outcome);
        var invalid = await grain.ExecuteAsync(define with { Expression = "storiesPublished /" }, Management, Op());
        Assert.Equal(OpsOutcome.Invalid, invalid.Outcome);

        var op = Op();
        var defined = await grain.ExecuteAsync(define, Management, op);
        Assert.Equal((true, IndicatorState.Draft), (defined.Ok, defined.State));
        Assert.True((await grain.ExecuteAsync(define, Management, op)).Replay);
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ActivateIndicator(), PartyAdmin, Op())).Outcome);
        var edited = await grain.ExecuteAsync(new EditIndicator(null, null, null, 40, null, null), Management, Op());
        var activated = await grain.ExecuteAsync(new ActivateIndicator(), Management, Op());
        Assert.Equal((40.0, IndicatorState.Active, 3L), (edited.Indicator!.Target, activated.State, activated.Indicator!.Version));
        Assert.Equal(OpsOutcome.IllegalMove, (await grain.ExecuteAsync(new ActivateIndicator(), Management, Op())).Outcome);
    }

    [Fact]
    public async Task A_retired_indicator_is_not_activated_again_and_its_read_row_follows_each_version()
    {
        var grain = await ActiveAsync(IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 10);
        var retired = await grain.ExecuteAsync(new RetireIndicator("口径调整"), Management, Op());
        Assert.Equal(IndicatorState.Retired, retired.State);

        var again = await grain.ExecuteAsync(new ActivateIndicator(), Management, Op());
        Assert.Equal(OpsOutcome.IllegalMove, again.Outcome);
        Assert.Empty(again.AllowedMoves);
        Assert.Equal((IndicatorState.Retired, 3L), (Journal.IndicatorRow(retired.Indicator!.Id)!.State, Journal.IndicatorRow(retired.Indicator.Id)!.Version));
    }

    [Fact]
    public async Task Closing_a_month_stores_one_figure_per_party_and_reminds_each_party_that_missed_once()
    {
        var met = Party("met");
        var missed = Party("missed");
        var month = LastMonth;
        Journal.SetMeasures(met, month, new() { [IndicatorMeasures.AssignmentsOnTime] = 9, [IndicatorMeasures.AssignmentsSubmitted] = 10 });
        Journal.SetMeasures(missed, month, new() { [IndicatorMeasures.AssignmentsOnTime] = 6, [IndicatorMeasures.AssignmentsSubmitted] = 10 });
        var grain = await ActiveAsync("100 * assignmentsOnTime / assignmentsSubmitted", IndicatorComparison.AtLeast, 80, met, missed);
        var id = (await grain.GetAsync())!.Id;

        var first = await Months().CloseAsync(month);
        var second = await Months().CloseAsync(month);

        Assert.Equal(2, first.Figures.Count(f => f.IndicatorId == id));
        Assert.Equal((90.0, true), (Journal.FigureOf(id, met, month)!.Value, Journal.FigureOf(id, met, month)!.Met == true));
        Assert.Equal((60.0, false), (Journal.FigureOf(id, missed, month)!.Value, Journal.FigureOf(id, missed, month)!.Met == true));
        Assert.Equal(first.Figures.Select(f => (f.IndicatorId, f.PartyId, f.Value, f.Met)), second.Figures.Select(f => (f.IndicatorId, f.PartyId, f.Value, f.Met)));
        Assert.Equal(0, second.RemindersRaised);
        var reminders = Alerts.NotificationsStartingWith($"indicator:{id}:");
        var reminder = Assert.Single(reminders);
        Assert.Equal(($"indicator:{id}:{missed}:{IndicatorMonths.Name(month)}", "party:" + missed, "indicatorMissed"), (reminder.Id, reminder.Audience, reminder.Kind));
        Assert.StartsWith("60%, target ≥ 80%; trend:", Text.En(reminder.Body), StringComparison.Ordinal);
        Assert.StartsWith("60%，目标 ≥ 80%；趋势：", Text.Zh(reminder.Body), StringComparison.Ordinal);
        Assert.Single(Journal.RemindersOf(id));

        var rectification = await fixture.Grains.GetGrain<IRectificationGrain>(RectificationWorkflow.ShortfallId(id, missed, month)).GetAsync();
        Assert.Equal((RectificationState.Open, missed, "indicator"), (rectification!.State, rectification.PartyId, rectification.Source.Kind));
    }

    [Fact]
    public async Task A_month_closed_again_by_a_fresh_activation_raises_no_second_reminder()
    {
        var party = Party("again");
        var month = LastMonth;
        var grain = await ActiveAsync(IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 5, party);
        var id = (await grain.GetAsync())!.Id;

        await Months().CloseAsync(month);
        // Another month grain holds no memory of the close: only the durable notification id keeps the reminder single.
        var fresh = await fixture.Grains.GetGrain<IIndicatorMonthGrain>("months-fresh-" + _tag).CloseAsync(month);

        Assert.Equal(0, fresh.RemindersRaised);
        Assert.Single(Alerts.NotificationsStartingWith($"indicator:{id}:"));
    }

    [Fact]
    public async Task A_figure_without_data_misses_nothing_and_the_month_so_far_is_not_closed()
    {
        var party = Party("nodata");
        var grain = await ActiveAsync(IndicatorMeasures.IncidentMttaMinutes, IndicatorComparison.AtMost, 30, party);
        var id = (await grain.GetAsync())!.Id;

        var closed = await Months().CloseAsync(LastMonth);
        var soFar = await Months().ComputeSoFarAsync();

        Assert.Equal((null, null), (closed.Figures.Single(f => f.IndicatorId == id).Value, closed.Figures.Single(f => f.IndicatorId == id).Met));
        Assert.Empty(Alerts.NotificationsStartingWith($"indicator:{id}:"));
        Assert.False(soFar.Closed);
        Assert.False(Journal.FigureOf(id, party, soFar.Month)!.Closed);
        await Assert.ThrowsAnyAsync<Exception>(() => Months().CloseAsync(soFar.Month));
    }

    [Fact]
    public async Task The_durable_reminder_closes_the_month_that_ended_on_the_grains_clock()
    {
        var party = Party("tick");
        var grain = await ActiveAsync(IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 1, party);
        var id = (await grain.GetAsync())!.Id;

        await Months().ScheduleAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await Months().GetLastClosedAsync() != LastMonth && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(LastMonth, await Months().GetLastClosedAsync());
        Assert.Single(Alerts.NotificationsStartingWith($"indicator:{id}:{party}:{IndicatorMonths.Name(LastMonth)}"));
    }

    private async Task<string> ApplicationAsync(string party, string code)
    {
        var id = ApplicationIds.Of(party, code);
        var created = await fixture.Grains.GetGrain<IApplicationGrain>(id)
            .ExecuteAsync(new CreateApplication("自助终端服务", ApplicationKind.Terminal, null, null), Operator, Op());
        Assert.True(created.Ok, Text.En(created.Message));
        return id;
    }

    [Fact]
    public async Task An_indicator_scoped_to_applications_gives_one_figure_per_application_and_reminds_only_the_one_that_missed()
    {
        var party = Party("apps");
        var month = LastMonth;
        var app = await ApplicationAsync(party, "app");
        var kiosk = await ApplicationAsync(party, "kiosk");
        Journal.SetMeasures(party, month, new() { [IndicatorMeasures.StoriesPublished] = 9 });
        Journal.SetMeasures(app, month, new() { [IndicatorMeasures.StoriesPublished] = 7 });
        Journal.SetMeasures(kiosk, month, new() { [IndicatorMeasures.StoriesPublished] = 2 });
        var grain = fixture.Grains.GetGrain<IIndicatorGrain>($"ind-{_tag}-apps");
        var defined = await grain.ExecuteAsync(new DefineIndicator("发布量", IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 5, null, "篇",
            [kiosk, app]), Management, Op());
        Assert.True(defined.Ok, Text.En(defined.Message));
        Assert.Equal([app, kiosk], defined.Indicator!.Applications);
        Assert.True((await grain.ExecuteAsync(new ActivateIndicator(), Management, Op())).Ok);

        var report = await Months().CloseAsync(month);

        Assert.Equal([("app", 7.0, (bool?)true), ("kiosk", 2.0, false)],
            report.Figures.Where(f => f.IndicatorId == grain.GetPrimaryKeyString()).Select(f => (f.Application, f.Value!.Value, f.Met)));
        Assert.Null(Journal.FigureOf(grain.GetPrimaryKeyString(), party, month));
        var reminder = Assert.Single(Alerts.NotificationsStartingWith($"indicator:{grain.GetPrimaryKeyString()}:"));
        Assert.Equal(($"indicator:{grain.GetPrimaryKeyString()}:{kiosk}:{IndicatorMonths.Name(month)}", "party:" + party), (reminder.Id, reminder.Audience));
        Assert.Equal($"Indicator target missed: 发布量 (application kiosk, {IndicatorMonths.Name(month)})", Text.En(reminder.Title));
        var rectification = await fixture.Grains.GetGrain<IRectificationGrain>(
            RectificationWorkflow.ShortfallId(grain.GetPrimaryKeyString(), party, month, "kiosk")).GetAsync();
        Assert.Equal((RectificationState.Open, party), (rectification!.State, rectification.PartyId));
        Assert.Null(await fixture.Grains.GetGrain<IRectificationGrain>(RectificationWorkflow.ShortfallId(grain.GetPrimaryKeyString(), party, month)).GetAsync());
    }

    [Theory]
    [InlineData("both")]
    [InlineData("shape")]
    [InlineData("unknown")]
    public async Task An_indicator_names_parties_or_registered_applications_never_both(string mistake)
    {
        var party = Party("scope");
        var app = await ApplicationAsync(party, "app");
        var (parties, applications, says) = mistake switch
        {
            "both" => (new List<string> { party }, new List<string> { app }, "parties or to applications"),
            "shape" => ([], ["no-dot-here"], "party.code"),
            _ => ([], [ApplicationIds.Of(party, "ghost")], "ghost"),
        };

        var refused = await fixture.Grains.GetGrain<IIndicatorGrain>($"ind-{_tag}-{mistake}")
            .ExecuteAsync(new DefineIndicator("发布量", IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 5, parties, null, applications), Management, Op());

        Assert.Equal(OpsOutcome.Invalid, refused.Outcome);
        Assert.Contains(says, Text.En(refused.Message), StringComparison.Ordinal);
        Assert.Null(refused.Indicator);
    }

    [Fact]
    public async Task Every_move_of_an_indicator_and_of_the_rectification_it_opened_reaches_the_event_log_once_in_order()
    {
        var party = Party("log");
        var month = LastMonth;
        var grain = await ActiveAsync(IndicatorMeasures.StoriesPublished, IndicatorComparison.AtLeast, 5, party);
        var id = grain.GetPrimaryKeyString();
        await Months().CloseAsync(month);
        var rectification = fixture.Grains.GetGrain<IRectificationGrain>(RectificationWorkflow.ShortfallId(id, party, month));
        var operation = Op();
        Assert.True((await rectification.ExecuteAsync(new FileExplanation("频道改版停更"), PartyAdmin, operation)).Ok);
        Assert.True((await rectification.ExecuteAsync(new FileExplanation("频道改版停更"), PartyAdmin, operation)).Replay);
        Assert.True((await rectification.ExecuteAsync(new DecideExplanation(true, "同意报备"), Management, Op())).Ok);
        Assert.True((await grain.ExecuteAsync(new RetireIndicator("口径调整"), Management, Op())).Ok);

        // Reactivated grains owe nothing more: the log keeps one row per version.
        await fixture.Grains.GetGrain<IRectificationGrain>(rectification.GetPrimaryKeyString()).GetAsync();
        Assert.Equal(["Define", "Activate", "Retire"], Journal.LoggedMoves("indicator", id));
        Assert.Equal(["Open", "File", "Accept"], Journal.LoggedMoves("rectification", rectification.GetPrimaryKeyString()));
        var history = await rectification.GetHistoryAsync();
        Assert.Equal([null, PartyAdmin.UserId, Management.UserId], history.Select(h => h.ActorId));
    }
}
