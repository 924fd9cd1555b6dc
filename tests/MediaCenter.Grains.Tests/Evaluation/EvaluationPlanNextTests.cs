using MediaCenter.Grains.Evaluation;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Evaluation;

/// <summary>F12.1: closing a center's evaluation tells management, once, to plan the next year's; not when it is planned already.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EvaluationPlanNextTests(ClusterFixture fixture)
{
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator | OpsRole.Management);
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);
    private static readonly OpsActor Center = new(Guid.NewGuid(), "中心管理员", OpsRole.Party);
    private static readonly List<EvaluationCriterion> Criteria = [new("service", "服务质量", 100)];

    private readonly string _party = "evn-" + Guid.NewGuid().ToString("N")[..8];

    private static string Op() => Guid.NewGuid().ToString("N");

    private static async Task<EvaluationView> MustAsync(IEvaluationGrain grain, EvaluationCommand command, OpsActor actor)
    {
        var result = await grain.ExecuteAsync(command, actor, Op());
        Assert.True(result.Ok, Text.En(result.Message));
        return result.Evaluation!;
    }

    /// <summary>Planned, scored 85 by every party, concluded good.</summary>
    private async Task<IEvaluationGrain> ConcludedAsync(int year)
    {
        var grain = fixture.Grains.GetGrain<IEvaluationGrain>(EvaluationWorkflow.IdOf(_party, year));
        await MustAsync(grain, new PlanEvaluation(_party, year, null), Operator);
        await MustAsync(grain, new DefineEvaluation(Criteria, null), Operator);
        await MustAsync(grain, new StartEvaluation(), Operator);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Authority, "service", 85m, null), Management);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Public, "service", 85m, null), Management);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Center, "service", 85m, null), Center);
        await MustAsync(grain, new CompleteEvaluation(), Operator);
        await MustAsync(grain, new ConcludeEvaluation("良好", null, null), Management);
        return grain;
    }

    [Fact]
    public async Task Closing_an_evaluation_tells_management_once_to_plan_the_next_years()
    {
        var grain = await ConcludedAsync(2024);
        var prefix = $"eval:{grain.GetPrimaryKeyString()}:plan-next";
        Assert.Empty(ClusterFixture.AlertCentre.NotificationsStartingWith(prefix));

        await MustAsync(grain, new CloseEvaluation(null), Management);
        var told = Assert.Single(ClusterFixture.AlertCentre.NotificationsStartingWith(prefix));
        Assert.Equal(("management", EvaluationGrain.PlanNextKind, _party), (told.Audience, told.Kind, told.PartyId));
        Assert.Contains("2025", Text.En(told.Title), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_reminder_when_next_years_evaluation_is_already_planned()
    {
        var grain = await ConcludedAsync(2024);
        await MustAsync(fixture.Grains.GetGrain<IEvaluationGrain>(EvaluationWorkflow.IdOf(_party, 2025)), new PlanEvaluation(_party, 2025, null), Operator);

        await MustAsync(grain, new CloseEvaluation(null), Management);
        Assert.Empty(ClusterFixture.AlertCentre.NotificationsStartingWith($"eval:{grain.GetPrimaryKeyString()}:plan-next"));
    }
}
